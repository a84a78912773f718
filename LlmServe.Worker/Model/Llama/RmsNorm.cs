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

    public Tensor Forward(Tensor x)                                   // (..., d)
    {
        if (RowKernel(x) is { } y)
        {
            return y;
        }
        var x32 = x.to_type(ScalarType.Float32);
        var rms = x32.mul(x32).mean([-1], keepdim: true).add_(_eps, HeldScalars.One).rsqrt_(); // (..., 1); not pow(2) or square(): they convert 2 implicitly
        var normed = x32.mul(rms);                                      // (..., d) float32
        return weight.dtype == ScalarType.Float32
            ? normed.mul_(weight).to_type(x.dtype)
            : normed.to_type(x.dtype).mul_(weight);                     // (..., d)
    }

    /// <summary>
    /// bf16 or float32 rows on the CPU in one call (a bf16 weight for bf16 rows): one op instead of torch's eight. Every
    /// row count takes it, so a row never switches between two implementations with its step's size (batch invariance;
    /// up to four bf16 rows once took the kernel and more took torch, whose float32 sum is ordered differently). Null for
    /// anything else (GPU, Gemma's float32 weight).
    /// </summary>
    private Tensor? RowKernel(Tensor x)
    {
        var dtype = x.dtype;
        if ((dtype != ScalarType.BFloat16 && dtype != ScalarType.Float32) || weight.dtype != dtype || x.device_type != DeviceType.CPU
            || weight.device_type != DeviceType.CPU || x.dim() < 1 || !x.is_contiguous() || !weight.is_contiguous()
            || x.shape[^1] != weight.shape[0] || x.numel() == 0)
        {
            return null;
        }
        var d = (int)weight.shape[0];
        var rows = (int)(x.numel() / d);
        var y = torch.empty(x.shape, dtype);                          // (..., d)
        unsafe
        {
            if (dtype == ScalarType.BFloat16)
            {
                Bf16RmsNorm.Run((ushort*)TensorMemory.Address(x), (ushort*)TensorMemory.Address(weight),
                    (ushort*)TensorMemory.Address(y), rows, d, (float)eps);
            }
            else
            {
                F32RmsNorm.Run((float*)TensorMemory.Address(x), (float*)TensorMemory.Address(weight),
                    (float*)TensorMemory.Address(y), rows, d, (float)eps);
            }
        }
        return y;
    }

    public void Dispose()
    {
        weight.Dispose();
        _eps.Dispose();
    }
}
