using System.Runtime.Intrinsics;
using LlmServe.Worker.Model.Kernels;

namespace LlmServe.Worker.Tests.Model.Kernels;

/// <summary>The vector bf16 rounding against its scalar definition (widening is covered through the attention kernel).</summary>
public sealed class Bf16Tests
{
    [Fact]
    public void VectorRound_MatchesScalarRound_OnEveryLane()
    {
        var random = new Random(3);
        // Ties (low half exactly 0x8000, both parities), infinities, zeros, tiny and huge values, random ones.
        float[] special = [BitConverter.UInt32BitsToSingle(0x3F808000), BitConverter.UInt32BitsToSingle(0x3F818000),
            float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, 1e-40f, 3e38f];
        var values = special.Concat(Enumerable.Range(0, 4096).Select(_ => (float)((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-20, 20)))))
            .ToArray();
        for (var i = 0; i + 16 <= values.Length; i += 16)
        {
            var wide = Bf16.Round(Vector512.Create(values.AsSpan(i, 16)));
            var narrow = Bf16.Round(Vector256.Create(values.AsSpan(i, 8)));
            for (var lane = 0; lane < 16; lane++)
            {
                Assert.Equal(Bf16.Round(values[i + lane]), wide[lane]);
            }
            for (var lane = 0; lane < 8; lane++)
            {
                Assert.Equal(Bf16.Round(values[i + lane]), narrow[lane]);
            }
        }
    }

    [Fact]
    public unsafe void StoreFromSingle16_GivesFromSinglesBits_NaNsIncluded()
    {
        Assert.SkipUnless(Vector512.IsHardwareAccelerated, "a 512-bit store");
        float[] values = [BitConverter.UInt32BitsToSingle(0x3F808000), BitConverter.UInt32BitsToSingle(0x3F818000), float.NaN,
            BitConverter.UInt32BitsToSingle(0xFFC00000), BitConverter.UInt32BitsToSingle(0x7F800001), float.PositiveInfinity,
            float.NegativeInfinity, 0f, -0f, 1e-40f, 3e38f, 3.4e38f, -1.5f, 65504f, 1e-30f, 0.1f];
        var stored = new ushort[16];

        fixed (ushort* p = stored)
        {
            Bf16.StoreFromSingle16(Vector512.Create(values), p);
        }

        Assert.Equal(values.Select(Bf16.FromSingle), stored);
    }
}
