using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LlmServe.Worker.Model.Kernels;

/// <summary>How <see cref="Bf16Gemv"/> writes its sums: plus the bias, rounded to bf16 once.</summary>
internal static unsafe partial class Bf16Gemv
{
    /// <summary>
    /// A call's outputs: input row i of the call at <paramref name="first"/> + i x <paramref name="stride"/>, the call's
    /// first column at <paramref name="first"/> as at <paramref name="bias"/> (null: none). Each output is its sum plus
    /// its bias, rounded to bf16 once; eight at a time with the same additions and rounding as one at a time.
    /// </summary>
    private readonly struct OutputSink(ushort* first, int stride, ushort* bias) : ISumSink
    {
        public void Eight(int input, int column, Vector256<float> sums)
        {
            var output = first + (long)input * stride + column;
            if (bias != null)
            {
                sums += Bf16.Load8(bias + column);
            }
            if (!Vector256.EqualsAll(sums, sums))
            {
                StoreEach(output, sums.GetLower());   // a NaN among them
                StoreEach(output + MaxTile, sums.GetUpper());
                return;
            }
            Bf16.Store8(Bf16.Round(sums), output);
        }

        public void Few(int input, int column, float* sums, int count) =>
            Store(first + (long)input * stride + column, sums, count, bias == null ? null : bias + column);
    }

    /// <summary>
    /// Writes <paramref name="count"/> consecutive outputs of one input row: each sum plus its row's bias, rounded to
    /// bf16 once (a whole tile's four in one vector: the same additions and rounding as one at a time).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(ushort* output, float* sums, int count, ushort* bias)
    {
        if (count == MaxTile && Vector128.IsHardwareAccelerated)
        {
            var v = Vector128.Load(sums);
            if (bias != null)
            {
                v += Bf16.Load4(bias);
            }
            if (!Vector128.EqualsAll(v, v))
            {
                StoreEach(output, v);   // a NaN among them
                return;
            }
            Bf16.Store4(Bf16.Round(v), output);
            return;
        }
        for (var j = 0; j < count; j++)
        {
            output[j] = Bf16.FromSingle(bias == null ? sums[j] : sums[j] + Bf16.ToSingle(bias[j]));
        }
    }

    /// <summary>Four sums with their bias already added, one at a time (a NaN among them keeps <see cref="Bf16.FromSingle"/>'s quiet NaN).</summary>
    private static void StoreEach(ushort* output, Vector128<float> v)
    {
        for (var j = 0; j < MaxTile; j++)
        {
            output[j] = Bf16.FromSingle(v.GetElement(j));
        }
    }
}
