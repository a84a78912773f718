using System.Runtime.Intrinsics;
using LlmServe.Worker.Model.Kernels;

namespace LlmServe.Worker.Tests.Model.Kernels;

/// <summary>The slices path's 16-key scorings against the one-key sums whose bits they must keep.</summary>
public sealed unsafe class DecodeAttentionScoresTests
{
    [Theory]
    [InlineData(4, 1)]     // 64-wide heads (Qwen2.5, Llama 3.2 1B)
    [InlineData(8, 2)]     // 128-wide heads
    [InlineData(1, 3)]
    [InlineData(3, 4)]     // an odd number of slices
    public void Score16_EqualsSixteenOneKeyDots_BitForBit(int slices, int seed)
    {
        Assert.SkipUnless(Vector512.IsHardwareAccelerated, "the slices path needs 512-bit vectors");
        var d = slices * 16;
        var random = new Random(seed);
        // Magnitudes over several binades, so that any other pairing of the lanes would round differently.
        float Next() => (float)((random.NextDouble() - 0.5) * Math.Pow(2, random.Next(-6, 7)));
        var q = Enumerable.Range(0, d).Select(_ => Next()).ToArray();
        var keys = Enumerable.Range(0, 16 * d).Select(_ => Next()).ToArray();

        fixed (float* qp = q, kp = keys)
        {
            var together = Bf16DecodeAttention.Score16(qp, kp, d, slices);

            for (var j = 0; j < 16; j++)
            {
                var alone = Bf16DecodeAttention.DotInSlices(qp, kp + j * d, slices);
                Assert.Equal(BitConverter.SingleToInt32Bits(alone), BitConverter.SingleToInt32Bits(together[j]));
            }
        }
    }

    /// <summary>
    /// A transposed block: each of up to four heads' 16 scores, bit for bit, is its even elements' products summed in
    /// order in one chain and its odd ones' in another, added; whatever the other heads and keys hold.
    /// </summary>
    [Theory]
    [InlineData(64, 4, 5)]
    [InlineData(64, 3, 6)]     // a pass with a missing head
    [InlineData(128, 1, 7)]
    [InlineData(96, 2, 8)]
    public void ScoreTransposed_EqualsEachKeysOwnChains_BitForBit(int d, int heads, int seed)
    {
        Assert.SkipUnless(Vector512.IsHardwareAccelerated, "the transposed path needs 512-bit vectors");
        var random = new Random(seed);
        float Next() => Bf16.Round((float)((random.NextDouble() - 0.5) * Math.Pow(2, random.Next(-6, 7))));
        var q = Enumerable.Range(0, heads * d).Select(_ => Next()).ToArray();
        var keys = Enumerable.Range(0, 16 * d).Select(_ => Bf16.FromSingle(Next())).ToArray();
        var transposed = new float[16 * d];
        const int stride = 48;
        var scores = new float[4 * stride];

        fixed (float* qp = q, tp = transposed, sp = scores)
        fixed (ushort* kp = keys)
        {
            // Rows in a shuffled order, as a sequence's cache slots lie.
            var order = Enumerable.Range(0, 16).OrderBy(_ => random.Next()).ToArray();
            var rows = stackalloc ushort*[16];
            for (var j = 0; j < 16; j++)
            {
                rows[j] = kp + order[j] * d;
            }
            Bf16DecodeAttention.TransposeBlock(rows, d, tp);
            Bf16DecodeAttention.ScoreTransposed(qp, heads, d, tp, sp + 16, stride);

            for (var h = 0; h < heads; h++)
            {
                for (var j = 0; j < 16; j++)
                {
                    float even = 0, odd = 0;
                    for (var e = 0; e < d; e += 2)
                    {
                        even = MathF.FusedMultiplyAdd(q[h * d + e], Bf16.ToSingle(keys[order[j] * d + e]), even);
                        odd = MathF.FusedMultiplyAdd(q[h * d + e + 1], Bf16.ToSingle(keys[order[j] * d + e + 1]), odd);
                    }
                    Assert.Equal(BitConverter.SingleToInt32Bits(even + odd), BitConverter.SingleToInt32Bits(scores[h * stride + 16 + j]));
                }
            }
            Assert.All(scores.Skip(heads * stride), s => Assert.Equal(0f, s));   // missing heads are not stored
        }
    }
}
