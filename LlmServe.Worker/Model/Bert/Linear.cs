using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace LlmServe.Worker.Model.Bert;

/// <summary>A dense layer with bias, stored as PyTorch does: weight (out, in), bias (out).</summary>
internal sealed class Linear(Tensor weight, Tensor bias) : IDisposable
{
    public static Linear Load(IWeightSource weights, string name, long outFeatures, long inFeatures, ScalarType dtype) =>
        new(weights.Load(name + ".weight", [outFeatures, inFeatures], dtype), weights.Load(name + ".bias", [outFeatures], dtype));

    public Tensor Forward(Tensor x) => F.linear(x, weight, bias); // (..., in) -> (..., out)

    public void Dispose()
    {
        weight.Dispose();
        bias.Dispose();
    }
}
