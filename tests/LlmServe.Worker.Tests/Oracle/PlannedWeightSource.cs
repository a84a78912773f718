using LlmServe.Checkpoints.Random;
using LlmServe.Worker.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmServe.Worker.Tests.Oracle;

/// <summary>
/// Serves a random checkpoint's tensors straight from the generator, in Hugging Face layout (q/k not permuted),
/// under the canonical GGUF names the Worker's model asks for.
/// </summary>
internal sealed class PlannedWeightSource(RandomCheckpointSpec spec) : IWeightSource
{
    private readonly Dictionary<string, PlannedTensor> _byName = RandomCheckpoint.Plan(spec).ToDictionary(t => t.GgufName);

    public string Source => $"random {spec.Architecture} (HF layout)";

    public bool Contains(string name) => _byName.ContainsKey(name);

    public Tensor Load(string name, long[] expectedShape, ScalarType dtype)
    {
        var tensor = _byName[name];
        Assert.Equal(expectedShape, tensor.Shape);
        return torch.tensor(RandomCheckpoint.Values(spec, tensor), tensor.Shape).to_type(dtype);
    }
}
