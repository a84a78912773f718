using LlmServe.Worker.Model.Kernels;

namespace LlmServe.Worker.Tests.Model.Kernels;

/// <summary>Random bf16 operands for the GEMV kernel's tests, and inputs prepared the way the kernel reads them.</summary>
internal static unsafe class Bf16Inputs
{
    /// <summary>bf16 values u · 2^e, u uniform in [-1, 1), e uniform in [<paramref name="minExponent"/>, <paramref name="maxExponent"/>).</summary>
    public static ushort[] Random(Random random, int count, int minExponent = 0, int maxExponent = 1)
    {
        var values = new ushort[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = Bf16.FromSingle((float)(random.NextDouble() * 2 - 1) * MathF.Pow(2, random.Next(minExponent, maxExponent)));
        }
        return values;
    }

    /// <summary>x (rows, K) through <see cref="Bf16Gemv.PrepareInput"/>: rows <see cref="Bf16Gemv.InputStride"/> floats apart.</summary>
    public static float[] Prepare(ushort[] x, int rows, int k) => Prepared(x, rows, k, Bf16Gemv.InputStride(k), &Bf16Gemv.PrepareInput);

    /// <summary>
    /// x (rows, K) as the managed tiles read it (<see cref="Bf16Gemv.PrepareFloats"/>): float32 rows
    /// <see cref="Bf16Gemv.FloatStride"/> floats apart, which a prepared input holds only where the kernel needs them.
    /// </summary>
    public static float[] PrepareFloats(ushort[] x, int rows, int k) => Prepared(x, rows, k, Bf16Gemv.FloatStride(k), &Bf16Gemv.PrepareFloats);

    private static float[] Prepared(ushort[] x, int rows, int k, int stride, delegate*<ushort*, int, int, float*, void> prepare)
    {
        var prepared = new float[rows * stride];
        fixed (ushort* xp = x)
        fixed (float* into = prepared)
        {
            prepare(xp, rows, k, into);
        }
        return prepared;
    }
}
