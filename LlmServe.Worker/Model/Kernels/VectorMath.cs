using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LlmServe.Worker.Model.Kernels;

/// <summary>float32 vector helpers of the attention kernels, each summing in an order fixed by its length alone.</summary>
internal static unsafe class VectorMath
{
    [ThreadStatic]
    private static float[]? t_scratch;

    /// <summary>This thread's scratch floats, at least <paramref name="length"/> of them, for one kernel call at a time.</summary>
    public static float[] Scratch(int length)
    {
        if (t_scratch is null || t_scratch.Length < length)
        {
            // Pinned: the fixed block then costs nothing.
            t_scratch = GC.AllocateUninitializedArray<float>(Math.Max(length, 4096), pinned: true);
        }
        return t_scratch;
    }

    /// <summary>The largest of v's lanes.</summary>
    public static float HorizontalMax(Vector256<float> v)
    {
        var max = v[0];
        for (var i = 1; i < Vector256<float>.Count; i++)
        {
            max = MathF.Max(max, v[i]);
        }
        return max;
    }

    /// <summary>x·y over d float32s; the summation order depends only on d.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Dot(float* x, float* y, int d)
    {
        var i = 0;
        var sum = 0f;
        if (Vector512.IsHardwareAccelerated && d >= 16)
        {
            var acc = Vector512<float>.Zero;
            for (; i + 16 <= d; i += 16)
            {
                acc = Vector512.FusedMultiplyAdd(Vector512.Load(x + i), Vector512.Load(y + i), acc);
            }
            sum = Reduce(acc);
        }
        var rest = Vector256<float>.Zero;
        for (; i + 8 <= d; i += 8)
        {
            rest = Vector256.FusedMultiplyAdd(Vector256.Load(x + i), Vector256.Load(y + i), rest);
        }
        sum += Vector256.Sum(rest);
        for (; i < d; i++)
        {
            sum = MathF.FusedMultiplyAdd(x[i], y[i], sum);
        }
        return sum;
    }

    /// <summary>The sum of v's lanes in a fixed order, by halving: a few shuffles instead of a general horizontal sum.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Reduce(Vector512<float> v)
    {
        var half = v.GetLower() + v.GetUpper();                                  // 8 lanes
        var quarter = half.GetLower() + half.GetUpper();                         // 4 lanes
        var pair = quarter + Vector128.Shuffle(quarter, Vector128.Create(2, 3, 0, 1)); // lanes 0+2, 1+3
        return pair.ToScalar() + pair.GetElement(1);
    }

    /// <summary>y += p·x over d float32s.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Axpy(float p, float* x, float* y, int d)
    {
        var i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var w = Vector512.Create(p);
            for (; i + 16 <= d; i += 16)
            {
                Vector512.FusedMultiplyAdd(w, Vector512.Load(x + i), Vector512.Load(y + i)).Store(y + i);
            }
        }
        var w8 = Vector256.Create(p);
        for (; i + 8 <= d; i += 8)
        {
            Vector256.FusedMultiplyAdd(w8, Vector256.Load(x + i), Vector256.Load(y + i)).Store(y + i);
        }
        for (; i < d; i++)
        {
            y[i] = MathF.FusedMultiplyAdd(p, x[i], y[i]);
        }
    }
}
