using LlmServe.Worker.Model.Kernels;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmServe.Worker.Model.Llama;

/// <summary>
/// Root-mean-square layer norm: x / sqrt(mean(x^2) + eps) * weight, normalised in float32. A float32 weight is applied
/// before the result is rounded to x's dtype (Gemma), any other after it (Llama), as each family's reference does.
/// </summary>
internal sealed class RmsNorm(Tensor weight, double eps) : IDisposable
{
    private readonly Scalar _eps = eps.ToScalar(); // held: see HeldScalars

    public Tensor Weight => weight;                   // (d)

    public double Epsilon => eps;

    public Tensor Forward(Tensor x)                                   // (T, d)
    {
        if (Bf16RmsNormKernel(x) is { } y)
        {
            return y;
        }
        var x32 = x.to_type(ScalarType.Float32);
        var rms = x32.mul(x32).mean([-1], keepdim: true).add_(_eps, HeldScalars.One).rsqrt_(); // (T, 1); not pow(2) or square(): they convert 2 implicitly
        var normed = x32.mul(rms);                                      // (T, d) float32
        return weight.dtype == ScalarType.Float32
            ? normed.mul_(weight).to_type(x.dtype)
            : normed.to_type(x.dtype).mul_(weight);                     // (T, d)
    }

    /// <summary>Decode-sized bf16 rows on the CPU in one call; null for anything else.</summary>
    private Tensor? Bf16RmsNormKernel(Tensor x)
    {
        if (x.dtype != ScalarType.BFloat16 || weight.dtype != ScalarType.BFloat16 || x.device_type != DeviceType.CPU
            || weight.device_type != DeviceType.CPU || x.dim() != 2 || x.shape[0] > DecodeLinear.MaxRows
            || !x.is_contiguous() || !weight.is_contiguous() || x.shape[1] != weight.shape[0])
        {
            return null;
        }
        var y = torch.empty(x.shape, ScalarType.BFloat16);           // (T, d)
        unsafe
        {
            Bf16RmsNorm.Run((ushort*)TensorMemory.Address(x), (ushort*)TensorMemory.Address(weight),
                (ushort*)TensorMemory.Address(y), (int)x.shape[0], (int)x.shape[1], (float)eps);
        }
        return y;
    }

    public void Dispose()
    {
        weight.Dispose();
        _eps.Dispose();
    }
}
