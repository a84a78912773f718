using System.Runtime.Intrinsics;
using LlmServe.Worker.Model.Kernels;

namespace LlmServe.Worker.Tests.Model.Kernels;

/// <summary>The assembled weighted sum of V against each head's sum over its keys in order, one fused multiply-add a key.</summary>
public sealed unsafe class Bf16PairedValuesTests
{
    private const int KvHeads = 2;

    [Theory]
    [InlineData(64, 7, 0, 37, 1)]      // Qwen2.5's group, an odd number of keys
    [InlineData(128, 8, 5, 64, 2)]     // a window that starts at key 5, eight heads
    [InlineData(32, 3, 1, 3, 3)]       // two keys
    [InlineData(64, 1, 0, 1, 4)]       // one key alone
    [InlineData(96, 4, 17, 200, 5)]
    public void Run_EqualsEachHeadsSumInKeyOrder_BitForBit(int d, int heads, int first, int length, int seed)
    {
        Assert.SkipUnless(Bf16PairedValues.IsSupported, "the assembled loop needs AVX512_BF16");
        var random = new Random(seed);
        var stride = (length + 15) / 16 * 16;
        // Probabilities are bf16 values (the softmax rounds them), zero outside [first, length); some tiny, some zero.
        var weights = new float[heads * stride];
        for (var h = 0; h < heads; h++)
        {
            for (var s = first; s < length; s++)
            {
                weights[h * stride + s] = Bf16.Round(random.Next(8) == 0 ? 0 : (float)(random.NextDouble() * Math.Pow(2, -random.Next(0, 20))));
            }
        }
        // The cache: slots in shuffled order, as a sequence's blocks lie, the other kv head's rows in between.
        var slotCount = length + 8;
        var slots = Enumerable.Range(0, slotCount).OrderBy(_ => random.Next()).Select(i => (long)i).ToArray();
        var cache = Enumerable.Range(0, slotCount * KvHeads * d)
            .Select(_ => Bf16.FromSingle((float)((random.NextDouble() - 0.5) * Math.Pow(2, random.Next(-4, 5))))).ToArray();
        const int kvHead = 1;
        var pairStride = Bf16PairedValues.PairStride(stride);
        var pairs = new uint[heads * pairStride];
        var contexts = new float[heads * d];

        fixed (float* wp = weights, cp = contexts)
        fixed (ushort* vp = cache)
        fixed (long* sp = slots)
        fixed (uint* pp = pairs)
        {
            Bf16PairedValues.Pack(wp, heads, stride, first, length, pp, pairStride);
            for (var e = 0; e < d; e += Bf16PairedValues.Elements)
            {
                Bf16PairedValues.Run(vp + kvHead * d + e, sp + first, length - first, (long)KvHeads * d, pp, pairStride, heads, cp + e, d);
            }
        }

        for (var h = 0; h < heads; h++)
        {
            for (var e = 0; e < d; e++)
            {
                var sum = 0f;
                for (var s = first; s < length; s++)
                {
                    sum = MathF.FusedMultiplyAdd(weights[h * stride + s], Bf16.ToSingle(cache[(slots[s] * KvHeads + kvHead) * d + e]), sum);
                }
                Assert.Equal(BitConverter.SingleToInt32Bits(sum), BitConverter.SingleToInt32Bits(contexts[h * d + e]));
            }
        }
    }

    [Theory]
    [InlineData(0, 37, 48)]    // odd count: the last pair's low half is 0
    [InlineData(3, 64, 64)]    // from an odd key, up to the row's end
    [InlineData(0, 96, 96)]    // whole vectors only
    [InlineData(2, 5, 16)]
    public void Pack_PutsKeySHighAndKeySPlusOneLow_FromTheFirstKey(int first, int length, int stride)
    {
        Assert.SkipUnless(Vector512.IsHardwareAccelerated, "packing uses 512-bit permutes");
        const int heads = 3;
        var random = new Random(length);
        var weights = new float[heads * stride];
        for (var i = 0; i < weights.Length; i++)
        {
            weights[i] = i % stride >= first && i % stride < length ? Bf16.Round((float)random.NextDouble()) : 0;
        }
        var pairStride = Bf16PairedValues.PairStride(stride);
        var pairs = new uint[heads * pairStride];

        fixed (float* wp = weights)
        fixed (uint* pp = pairs)
        {
            Bf16PairedValues.Pack(wp, heads, stride, first, length, pp, pairStride);
        }

        static uint High16(float value) => BitConverter.SingleToUInt32Bits(value) >> 16;
        for (var h = 0; h < heads; h++)
        {
            for (var t = 0; t < (length - first + 1) / 2; t++)
            {
                var s = first + 2 * t;
                var low = s + 1 < length ? High16(weights[h * stride + s + 1]) : 0;
                Assert.Equal((High16(weights[h * stride + s]) << 16) | low, pairs[h * pairStride + t]);
            }
        }
    }
}
