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
    /// A transposed block: each of up to four heads' 16 scores, bit for bit, is two chains, over the element pairs
    /// (2p, 2p + 1) of even p and over those of odd p, each adding a pair's odd product and then its even one, then
    /// added; whatever the other heads and keys hold. The assembled AVX512_BF16 loop, where the CPU has it, gives the
    /// same bits from the block kept as bf16 pairs.
    /// </summary>
    [Theory]
    [InlineData(64, 4, 5)]
    [InlineData(64, 3, 6)]     // a pass with a missing head
    [InlineData(128, 1, 7)]
    [InlineData(96, 2, 8)]
    [InlineData(32, 4, 9)]     // one group of 32 elements
    public void ScoreTransposed_EqualsEachKeysOwnChains_BitForBit(int d, int heads, int seed)
    {
        Assert.SkipUnless(Vector512.IsHardwareAccelerated, "the transposed path needs 512-bit vectors");
        var random = new Random(seed);
        float Next() => Bf16.Round((float)((random.NextDouble() - 0.5) * Math.Pow(2, random.Next(-6, 7))));
        var q = Enumerable.Range(0, heads * d).Select(_ => Next()).ToArray();
        var q16 = q.Select(Bf16.FromSingle).ToArray();
        var keys = Enumerable.Range(0, 16 * d).Select(_ => Bf16.FromSingle(Next())).ToArray();
        var transposed = new float[16 * d];
        const int stride = 48;
        var scores = new float[4 * stride];
        var assembled = new float[4 * stride];
        // Rows in a shuffled order, as a sequence's cache slots lie.
        var order = Enumerable.Range(0, 16).OrderBy(_ => random.Next()).ToArray();

        fixed (float* qp = q, tp = transposed, sp = scores, ap = assembled)
        fixed (ushort* kp = keys, q16p = q16)
        {
            var rows = stackalloc ushort*[16];
            for (var j = 0; j < 16; j++)
            {
                rows[j] = kp + order[j] * d;
            }
            Bf16DecodeAttention.TransposeBlock<Bf16DecodeAttention.FloatColumns>(rows, d, tp);
            Bf16DecodeAttention.ScoreTransposed(qp, heads, d, tp, sp + 16, stride);
            if (Bf16TransposedScores.IsSupported)
            {
                Bf16DecodeAttention.TransposeBlock<Bf16DecodeAttention.PairColumns>(rows, d, tp);
                Bf16TransposedScores.Run(q16p, heads, d, (uint*)tp, ap + 16, stride);
            }
        }

        for (var h = 0; h < heads; h++)
        {
            for (var j = 0; j < 16; j++)
            {
                float K(int e) => Bf16.ToSingle(keys[order[j] * d + e]);
                float evenPairs = 0, oddPairs = 0;
                for (var e = 0; e < d; e += 4)
                {
                    evenPairs = MathF.FusedMultiplyAdd(q[h * d + e], K(e), MathF.FusedMultiplyAdd(q[h * d + e + 1], K(e + 1), evenPairs));
                    oddPairs = MathF.FusedMultiplyAdd(q[h * d + e + 2], K(e + 2), MathF.FusedMultiplyAdd(q[h * d + e + 3], K(e + 3), oddPairs));
                }
                var expected = BitConverter.SingleToInt32Bits(evenPairs + oddPairs);
                Assert.Equal(expected, BitConverter.SingleToInt32Bits(scores[h * stride + 16 + j]));
                if (Bf16TransposedScores.IsSupported)
                {
                    Assert.Equal(expected, BitConverter.SingleToInt32Bits(assembled[h * stride + 16 + j]));
                }
            }
        }
        Assert.All(scores.Skip(heads * stride), s => Assert.Equal(0f, s));   // missing heads are not stored
        Assert.All(assembled.Skip(heads * stride), s => Assert.Equal(0f, s));
    }

    [Fact]
    public void AssembledScores_RunWhereTheCpuHasAvx512Bf16()
    {
        Assert.SkipWhen(Avx512Bf16.IsSwitchedOff, $"{Avx512Bf16.Switch}=0 keeps the managed loop");
        Assert.SkipUnless(Avx512Bf16.IsWanted, "this CPU has no AVX512_BF16");
        Assert.True(Bf16TransposedScores.IsSupported);
    }
}
