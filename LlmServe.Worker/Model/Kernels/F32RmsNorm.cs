using System.Runtime.Intrinsics;

namespace LlmServe.Worker.Model.Kernels;

/// <summary>
/// RMS norm of float32 rows in one call instead of torch's eight ops, each row summed in an order fixed by D alone, so
/// a row gets the same bits whatever the step's row count. Computes what the torch version does: (x * rms) * weight.
/// </summary>
internal static unsafe class F32RmsNorm
{
    /// <param name="x">(M, D) float32.</param>
    /// <param name="weight">(D) float32.</param>
    /// <param name="y">(M, D) float32 output.</param>
    public static void Run(float* x, float* weight, float* y, int m, int d, float eps)
    {
        nint xs = (nint)x, w = (nint)weight, ys = (nint)y;
        RowLoop.For(m, (long)m * d < 1 << 16, r => Row((float*)xs + (long)r * d, (float*)w, (float*)ys + (long)r * d, d, eps));
    }

    private static void Row(float* row, float* weight, float* output, int d, float eps)
    {
        var rms = 1f / MathF.Sqrt(SumOfSquares(row, d) / d + eps);
        var factor = Vector256.Create(rms);
        var i = 0;
        for (; i + 8 <= d; i += 8)
        {
            (Vector256.Load(row + i) * factor * Vector256.Load(weight + i)).Store(output + i);
        }
        for (; i < d; i++)
        {
            output[i] = row[i] * rms * weight[i];
        }
    }

    private static float SumOfSquares(float* row, int d)
    {
        var sum = Vector256<float>.Zero;
        var i = 0;
        for (; i + 8 <= d; i += 8)
        {
            var v = Vector256.Load(row + i);
            sum = Vector256.FusedMultiplyAdd(v, v, sum);
        }
        var total = Vector256.Sum(sum);
        for (; i < d; i++)
        {
            total += row[i] * row[i];
        }
        return total;
    }
}
