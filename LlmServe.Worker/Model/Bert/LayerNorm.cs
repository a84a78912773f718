using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace LlmServe.Worker.Model.Bert;

/// <summary>LayerNorm over the last dimension, with weight and bias (<c>NAME.weight</c>, <c>NAME.bias</c>).</summary>
internal sealed class LayerNorm(Tensor weight, Tensor bias, double eps) : IDisposable
{
    public static LayerNorm Load(IWeightSource weights, string name, long size, double eps, ScalarType dtype) =>
        new(weights.Load(name + ".weight", [size], dtype), weights.Load(name + ".bias", [size], dtype), eps);

    public Tensor Forward(Tensor x) => F.layer_norm(x, [weight.shape[0]], weight, bias, eps); // (..., d)

    public void Dispose()
    {
        weight.Dispose();
        bias.Dispose();
    }
}
