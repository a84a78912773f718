using TorchSharp;
using static TorchSharp.torch;

namespace LlmServe.Worker.Model.Llama;

/// <summary>Root-mean-square layer norm: x / sqrt(mean(x^2) + eps) * weight, computed in float32.</summary>
internal sealed class RmsNorm(Tensor weight, double eps) : IDisposable
{
    public Tensor Forward(Tensor x)                                   // (T, d)
    {
        var x32 = x.to_type(ScalarType.Float32);
        var rms = x32.pow(2).mean([-1], keepdim: true).add_(eps).rsqrt_(); // (T, 1)
        return x32.mul(rms).to_type(x.dtype).mul_(weight);            // (T, d)
    }

    public void Dispose() => weight.Dispose();
}
