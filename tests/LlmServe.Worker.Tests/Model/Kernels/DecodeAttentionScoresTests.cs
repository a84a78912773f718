using System.Runtime.Intrinsics;
using LlmServe.Worker.Model.Kernels;

namespace LlmServe.Worker.Tests.Model.Kernels;

/// <summary>The slices path's 16-key scoring against its one-key dot product, whose bits it must keep.</summary>
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
}
