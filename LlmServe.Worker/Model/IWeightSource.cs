using static TorchSharp.torch;

namespace LlmServe.Worker.Model;

/// <summary>Where a model's weights come from (a GGUF file, a safetensors folder), by canonical tensor name.</summary>
internal interface IWeightSource
{
    /// <summary>A description for error messages (the file path).</summary>
    string Source { get; }

    bool Contains(string name);

    /// <summary>Loads a tensor as <paramref name="dtype"/>, checking it has <paramref name="expectedShape"/>.</summary>
    Tensor Load(string name, long[] expectedShape, ScalarType dtype);
}
