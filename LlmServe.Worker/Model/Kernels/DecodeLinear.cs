using System.Runtime.Intrinsics;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace LlmServe.Worker.Model.Kernels;

/// <summary>
/// <c>F.linear</c> that sends decode-sized bf16 inputs on the CPU to <see cref="Bf16Gemv"/> and everything else to
/// torch. Torch's bf16 path on the CPU is a GEMM tuned for many rows: at one row it runs far below memory bandwidth,
/// which is what a batch-1 decode step is bound by (and on CPUs without AVX-512 it is slow at any row count, so there
/// the kernel takes more rows and a float32 product the rest). float32 inputs go to <see cref="F32Gemv"/> likewise
/// (a 0.5B model's batch-1 decode in float32: 9.0-9.4 tok/s with torch's linears, 12.6-13.7 with the kernel).
/// </summary>
/// <remarks>
/// Each path gives a row the same bits whatever the other rows are (the kernel by construction; torch's GEMM blocks
/// over rows without changing a row's summation order), but the two paths differ in their last bits. A step may
/// therefore pin one path (<see cref="LinearKernel"/>) so that a row's result does not depend on how many rows its
/// step had.
/// </remarks>
internal static class DecodeLinear
{
    /// <summary>Inputs with at most this many rows take the kernel; more rows make a matrix product torch runs well.</summary>
    public const int MaxRows = 4;

    /// <summary>
    /// bf16 inputs up to this many rows take the kernel where torch's bf16 GEMM is its slow fallback
    /// (<see cref="TorchBf16.GemmIsFast"/>): the kernel beats it at every row count, and a float32 product of the same
    /// values (weights widened per call) overtakes the kernel only at about a hundred rows.
    /// </summary>
    public const int MaxRowsWithoutFastBf16Gemm = 64;

    /// <summary>
    /// bf16 inputs up to this many rows take the kernel where its tiles run AVX512_BF16 dot products
    /// (<see cref="Bf16DotTiles"/>): then it keeps up with torch's oneDNN GEMM to about here (one layer's linears of a
    /// 0.5B model in-process, kernel / torch time: 0.5-0.8 at 8 rows, 0.6-0.9 at 16, 1.0 at 32, 1.2-1.5 at 64).
    /// </summary>
    public const int MaxRowsWithBf16DotProducts = 32;

    /// <summary>Rows of a bf16 CPU input that <see cref="LinearKernel.Auto"/> sends to the kernel on this machine.</summary>
    public static int Bf16AutoMaxRows =>
        !TorchBf16.GemmIsFast ? MaxRowsWithoutFastBf16Gemm : Bf16DotTiles.IsSupported ? MaxRowsWithBf16DotProducts : MaxRows;

    /// <summary>x (M, K) · weight (N, K)^T + bias (N) -> (M, N).</summary>
    public static Tensor Forward(Tensor x, Tensor weight, Tensor? bias = null, LinearKernel kernel = LinearKernel.Auto) =>
        Forward(x, kernel, [(weight, bias)])[0];

    /// <inheritdoc cref="Forward(Tensor, LinearKernel, ReadOnlySpan{ValueTuple{Tensor, Tensor}})"/>
    public static Tensor[] Forward(Tensor x, params ReadOnlySpan<(Tensor Weight, Tensor? Bias)> linears) => Forward(x, LinearKernel.Auto, linears);

    /// <summary>
    /// Several linears over the same input (q/k/v, gate/up) in one pass of the kernel, so one parallel dispatch
    /// covers them all; returns one (M, N_i) output per weight.
    /// </summary>
    public static Tensor[] Forward(Tensor x, LinearKernel kernel, params ReadOnlySpan<(Tensor Weight, Tensor? Bias)> linears)
    {
        var outputs = new Tensor[linears.Length];
        var dtype = x.dtype;
        if (kernel == LinearKernel.Torch || !Supports(x, linears, kernel))
        {
            var widen = kernel == LinearKernel.Auto && IsSlowTorchBf16(x);
            for (var i = 0; i < linears.Length; i++)
            {
                outputs[i] = widen ? Float32Linear(x, linears[i].Weight, linears[i].Bias) : F.linear(x, linears[i].Weight, linears[i].Bias);
            }
            return outputs;
        }
        var input = x.is_contiguous() ? x : x.contiguous();                             // contiguous() costs an op even when a no-op
        int m = (int)input.shape[0], k = (int)input.shape[1];
        Span<GemvTarget> targets = stackalloc GemvTarget[linears.Length];
        for (var i = 0; i < linears.Length; i++)
        {
            var (weight, bias) = linears[i];
            var rows = weight.shape[0];
            outputs[i] = torch.empty([m, rows], dtype);                                  // (M, N_i)
            targets[i] = new GemvTarget(TensorMemory.Address(weight), bias is null ? 0 : TensorMemory.Address(bias),
                TensorMemory.Address(outputs[i]), (int)rows);
        }
        unsafe
        {
            if (dtype == ScalarType.BFloat16)
            {
                Bf16Gemv.Run((ushort*)TensorMemory.Address(input), m, k, targets);
            }
            else
            {
                F32Gemv.Run((float*)TensorMemory.Address(input), m, k, targets);
            }
        }
        GC.KeepAlive(input);
        return outputs;
    }

    /// <summary>
    /// A bf16 linear as a float32 product of the same values, rounded to bf16 once like torch's bf16 linear: on CPUs
    /// without a fast bf16 GEMM, torch's float32 GEMM runs several times faster even with the weight widened per call.
    /// </summary>
    private static Tensor Float32Linear(Tensor x, Tensor weight, Tensor? bias)
    {
        using var x32 = x.to_type(ScalarType.Float32);              // (M, K)
        using var weight32 = weight.to_type(ScalarType.Float32);    // (N, K)
        using var bias32 = bias?.to_type(ScalarType.Float32);       // (N)
        using var y = F.linear(x32, weight32, bias32);              // (M, N)
        return y.to_type(ScalarType.BFloat16);
    }

    /// <summary>A bf16 CPU input on a CPU where torch's bf16 GEMM is its slow fallback (<see cref="TorchBf16.GemmIsFast"/>).</summary>
    private static bool IsSlowTorchBf16(Tensor x) =>
        x.dtype == ScalarType.BFloat16 && x.device_type == DeviceType.CPU && !TorchBf16.GemmIsFast;

    /// <summary>Rows of an input that <see cref="LinearKernel.Auto"/> sends to the kernel.</summary>
    private static int AutoMaxRows(Tensor x) =>
        x.dtype == ScalarType.BFloat16 && x.device_type == DeviceType.CPU ? Bf16AutoMaxRows : MaxRows;

    /// <summary>bf16 or float32 up to <see cref="AutoMaxRows"/> rows, or any row count when pinned to the kernel.</summary>
    private static bool Supports(Tensor x, ReadOnlySpan<(Tensor Weight, Tensor? Bias)> linears, LinearKernel kernel)
    {
        var dtype = x.dtype;
        var maxRows = kernel == LinearKernel.RowGemv ? int.MaxValue : AutoMaxRows(x);
        if (!Vector256.IsHardwareAccelerated || x.device_type != DeviceType.CPU || x.dim() != 2 || x.shape[0] < 1 || x.shape[0] > maxRows
            || (dtype != ScalarType.BFloat16 && dtype != ScalarType.Float32))
        {
            return false;
        }
        foreach (var (weight, bias) in linears)
        {
            if (!IsCpu(weight, dtype) || weight.dim() != 2 || weight.shape[1] != x.shape[1] || !weight.is_contiguous()
                || weight.shape[0] > int.MaxValue
                || (bias is not null && (!IsCpu(bias, dtype) || bias.dim() != 1 || bias.shape[0] != weight.shape[0] || !bias.is_contiguous())))
            {
                return false;
            }
        }
        return true;
    }

    private static bool IsCpu(Tensor t, ScalarType dtype) => t.device_type == DeviceType.CPU && t.dtype == dtype;
}
