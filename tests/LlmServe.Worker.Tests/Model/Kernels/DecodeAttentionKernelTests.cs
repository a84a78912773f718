using LlmServe.Worker.Model.Llama;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace LlmServe.Worker.Tests.Model.Kernels;

/// <summary>The one-call bf16 and float32 decode attention against the padded torch formulation it replaces.</summary>
public sealed class DecodeAttentionKernelTests
{
    private const int Slots = 8192;

    [Theory]
    [InlineData(14, 2, 64, new[] { 1, 37, 250 })]                  // Qwen2.5-0.5B heads; tiny, odd and long contexts
    [InlineData(14, 2, 64, new[] { 300, 17, 290, 5, 260, 311, 40, 128, 1, 200, 99, 150, 310, 64, 7, 180,
        33, 250, 120, 12, 301, 77, 240, 2, 222, 160, 88, 19, 275, 140, 55, 230 })] // a full 32-sequence batch (parallel path)
    [InlineData(8, 1, 128, new[] { 5, 130, 77 })]                  // eight 512-bit slices; two whole passes of four heads
    [InlineData(4, 2, 48, new[] { 2, 33, 64 })]                    // an odd number of slices; a pass of two heads
    [InlineData(6, 3, 40, new[] { 3, 90, 21 })]                    // a head size that is not a whole number of vectors
    [InlineData(4, 4, 72, new[] { 15, 16, 17 })]                   // no grouping; vector tails on both widths
    public void Kernel_MatchesTorchOps_OverRaggedContexts(int heads, int kvHeads, int headDim, int[] lengths)
    {
        // Inputs are N(0, 1): one bf16 step near the largest outputs is ~1e-2; in float32 only summation order and
        // exp's last bit differ.
        foreach (var (dtype, tolerance) in new[] { (ScalarType.BFloat16, 2e-2f), (ScalarType.Float32, 1e-5f) })
        {
            using var scope = NewDisposeScope();
            using var generator = new Generator(31);
            var (cacheK, cacheV) = RandomCache(kvHeads, headDim, generator, dtype);
            var contexts = ScatteredContexts(lengths, generator);
            using var batch = AttentionBatchBuilder.Build([.. contexts.Select(c => new SequenceSlice(c, 1, true))]);
            var q = torch.randn([contexts.Length, heads, headDim], generator: generator).to_type(dtype); // (B, H, D)

            var output = torch.zeros_like(q);
            Assert.True(DecodeAttentionKernel.TryRun(q, batch.Decodes!, 0, cacheK, cacheV, output, kvHeads, Scale(headDim)));

            var expected = TorchDecode(q, batch.Decodes!, cacheK, cacheV, kvHeads).to_type(ScalarType.Float32);
            var worst = (output.to_type(ScalarType.Float32) - expected).abs().max().item<float>();
            Assert.True(worst < tolerance, $"{dtype}: max |kernel - torch| = {worst}");
        }
    }

    /// <summary>
    /// A sliding window's mask leaves each sequence its last W positions: the same as attending over contexts cut to
    /// them (a window longer than a context leaves it whole).
    /// </summary>
    [Theory]
    [InlineData(4, 2, 32)]
    [InlineData(8, 2, 64)]     // scored in transposed blocks: masked keys read zeros, their lanes masked after
    public void WindowMask_AttendsTheLastWindowPositionsOnly(int heads, int kvHeads, int headDim)
    {
        const int window = 20;
        using var scope = NewDisposeScope();
        using var generator = new Generator(11);
        var (cacheK, cacheV) = RandomCache(kvHeads, headDim, generator);
        var contexts = ScatteredContexts([300, 17, 21, 120], generator);
        using var batch = AttentionBatchBuilder.Build([.. contexts.Select(c => new SequenceSlice(c, 1, true))]);
        using var cut = AttentionBatchBuilder.Build([.. contexts.Select(c => new SequenceSlice(c[Math.Max(0, c.Length - window)..], 1, true))]);
        var q = torch.randn([contexts.Length, heads, headDim], generator: generator).to_type(ScalarType.BFloat16); // (B, H, D)

        var output = torch.zeros_like(q);
        Assert.True(DecodeAttentionKernel.TryRun(q, batch.Decodes!, window, cacheK, cacheV, output, kvHeads, Scale(headDim)));

        var expected = TorchDecode(q, cut.Decodes!, cacheK, cacheV, kvHeads).to_type(ScalarType.Float32);
        var worst = (output.to_type(ScalarType.Float32) - expected).abs().max().item<float>();
        Assert.True(worst < 2e-2, $"max |windowed kernel - torch over the cut contexts| = {worst}");
        var whole = TorchDecode(q, batch.Decodes!, cacheK, cacheV, kvHeads).to_type(ScalarType.Float32);
        Assert.True((whole - expected).abs().max().item<float>() > 0.1, "the window made no difference: the test cannot fail");
    }

    private static double Scale(int headDim) => 1.0 / Math.Sqrt(headDim);

    [Theory]
    [InlineData(ScalarType.BFloat16)]
    [InlineData(ScalarType.Float32)]
    public void Sequence_GetsTheSameBits_AloneAndBesideLongerContexts(ScalarType dtype)
    {
        const int heads = 14, kvHeads = 2, headDim = 64;
        using var scope = NewDisposeScope();
        using var generator = new Generator(7);
        var (cacheK, cacheV) = RandomCache(kvHeads, headDim, generator, dtype);
        var contexts = ScatteredContexts([45, 900, 1000], generator);
        var q = torch.randn([3, heads, headDim], generator: generator).to_type(dtype); // (B, H, D)

        // Alone: one thread, a score row padded to 48. In the batch: padded to 1,000 and spread over the cores.
        using var alone = AttentionBatchBuilder.Build([new SequenceSlice(contexts[0], 1, true)]);
        var aloneOut = torch.zeros([1, heads, headDim], dtype);
        Assert.True(DecodeAttentionKernel.TryRun(q.narrow(0, 0, 1).contiguous(), alone.Decodes!, 0, cacheK, cacheV, aloneOut, kvHeads, Scale(headDim)));
        using var together = AttentionBatchBuilder.Build([.. contexts.Select(c => new SequenceSlice(c, 1, true))]);
        var togetherOut = torch.zeros_like(q);
        Assert.True(DecodeAttentionKernel.TryRun(q, together.Decodes!, 0, cacheK, cacheV, togetherOut, kvHeads, Scale(headDim)));

        Assert.True(aloneOut[0].eq(togetherOut[0]).all().item<bool>(), "the first sequence's attention changed with its batch");
    }

    /// <summary>
    /// A prompt chunk attended per row (batch invariance): its rows share the sequence's context slots, each over the
    /// keys up to itself, and each gets the bits it gets as a lone decode over that prefix.
    /// </summary>
    [Theory]
    [InlineData(ScalarType.BFloat16, 64, 4)]
    [InlineData(ScalarType.Float32, 64, 4)]
    [InlineData(ScalarType.BFloat16, 40, 4)]   // the general path (not whole 512-bit slices)
    [InlineData(ScalarType.BFloat16, 64, 8)]   // four heads a kv head: transposed blocks
    public void ChunkRows_EachEqualsItsLoneDecodeOverItsPrefix(ScalarType dtype, int headDim, int heads)
    {
        const int kvHeads = 2, context = 40, chunk = 12;
        using var scope = NewDisposeScope();
        using var generator = new Generator(9);
        var (cacheK, cacheV) = RandomCache(kvHeads, headDim, generator, dtype);
        var slots = ScatteredContexts([context], generator)[0];
        var q = torch.randn([chunk, heads, headDim], generator: generator).to_type(dtype); // (T, H, D)
        using var batch = AttentionBatchBuilder.Build([new SequenceSlice(slots, chunk, true)], attentionPerRow: true);

        var output = torch.zeros_like(q);
        Assert.True(DecodeAttentionKernel.TryRun(q, batch.Decodes!, 0, cacheK, cacheV, output, kvHeads, Scale(headDim)));

        Assert.Equal(context, batch.Decodes!.Slots.numel());                 // one run of slots for the chunk's rows
        var causal = TorchDecode(q, batch.Decodes!, cacheK, cacheV, kvHeads).to_type(ScalarType.Float32);
        Assert.True((output.to_type(ScalarType.Float32) - causal).abs().max().item<float>() < 2e-2);
        for (var t = 0; t < chunk; t++)
        {
            using var lone = AttentionBatchBuilder.Build([new SequenceSlice(slots[..(context - chunk + t + 1)], 1, true)]);
            var row = torch.zeros([1, heads, headDim], dtype);
            Assert.True(DecodeAttentionKernel.TryRun(q.narrow(0, t, 1).contiguous(), lone.Decodes!, 0, cacheK, cacheV, row, kvHeads, Scale(headDim)));
            Assert.True(output.narrow(0, t, 1).equal(row).all().item<bool>(), $"row {t}");
        }
    }

    /// <summary>
    /// A NaN in one head's query makes that head's outputs bf16's quiet NaN (0x7FC0, what Bf16.FromSingle gives any NaN,
    /// whatever sign the hardware's NaN carries) and leaves the other heads and sequences finite.
    /// </summary>
    [Theory]
    [InlineData(14, 2, 64)]    // transposed scores, paired values where the CPU has AVX512_BF16
    [InlineData(4, 2, 48)]
    public void NaNQuery_GivesQuietNaNs_ForItsHeadOnly(int heads, int kvHeads, int headDim)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(5);
        var (cacheK, cacheV) = RandomCache(kvHeads, headDim, generator);
        var contexts = ScatteredContexts([40, 70], generator);
        using var batch = AttentionBatchBuilder.Build([.. contexts.Select(c => new SequenceSlice(c, 1, true))]);
        var values = torch.randn([contexts.Length, heads, headDim], generator: generator).data<float>().ToArray();
        values[0] = BitConverter.Int32BitsToSingle(unchecked((int)0xFFC00000));                    // a negative quiet NaN
        var q = torch.tensor(values, [contexts.Length, heads, headDim]).to_type(ScalarType.BFloat16); // (B, H, D)

        var output = torch.zeros_like(q);
        Assert.True(DecodeAttentionKernel.TryRun(q, batch.Decodes!, 0, cacheK, cacheV, output, kvHeads, Scale(headDim)));

        var widened = output.to_type(ScalarType.Float32).data<float>().ToArray();   // bf16 bits in the high half, exactly
        Assert.All(widened[..headDim], v => Assert.Equal(0x7FC00000, BitConverter.SingleToInt32Bits(v)));
        Assert.All(widened[headDim..], v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void Float64Tensors_AreLeftToTorch()
    {
        using var scope = NewDisposeScope();
        using var batch = AttentionBatchBuilder.Build([new SequenceSlice([0, 1], 1, true)]);
        var q = torch.zeros([1, 2, 8], ScalarType.Float64);
        var cache = torch.zeros([4, 1, 8], ScalarType.Float64);

        Assert.False(DecodeAttentionKernel.TryRun(q, batch.Decodes!, 0, cache, cache, torch.zeros_like(q), 1, Scale(8)));
    }

    private static (Tensor Keys, Tensor Values) RandomCache(int kvHeads, int headDim, Generator generator, ScalarType dtype = ScalarType.BFloat16) =>
        (torch.randn([Slots, kvHeads, headDim], generator: generator).to_type(dtype),  // (slots, Hkv, D)
         torch.randn([Slots, kvHeads, headDim], generator: generator).to_type(dtype));

    /// <summary>Disjoint contexts of the given lengths over a random order of the cache's slots.</summary>
    private static int[][] ScatteredContexts(int[] lengths, Generator generator)
    {
        var order = torch.randperm(Slots, generator: generator).data<long>().Select(s => (int)s).ToArray();
        var start = 0;
        return [.. lengths.Select(n => order[start..(start += n)])];
    }

    /// <summary>The padded formulation of the torch path: (B, H, D) queries over (B, Smax) gathered slots.</summary>
    private static Tensor TorchDecode(Tensor q, DecodeGroup decodes, Tensor cacheK, Tensor cacheV, int kvHeads)
    {
        long b = q.shape[0], heads = q.shape[1], headDim = q.shape[2], smax = decodes.ContextSlots.shape[1];
        var flat = decodes.ContextSlots.view(-1);
        var keys = cacheK.index_select(0, flat).view(b, smax, kvHeads, headDim);            // (B, Smax, Hkv, D)
        var values = cacheV.index_select(0, flat).view(b, smax, kvHeads, headDim);
        var qg = q.view(b, kvHeads, heads / kvHeads, headDim);                              // (B, Hkv, G, D)
        var scores = torch.matmul(qg, keys.permute(0, 2, 3, 1)).mul_(1.0 / Math.Sqrt(headDim)); // (B, Hkv, G, Smax)
        scores = scores.masked_fill(decodes.PaddingMask, double.NegativeInfinity);
        var probs = F.softmax(scores.to_type(ScalarType.Float32), -1).to_type(q.dtype);
        return torch.matmul(probs, values.permute(0, 2, 1, 3)).reshape(b, heads, headDim);   // (B, H, D)
    }
}
