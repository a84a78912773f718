using LlmServe.Worker.Engine.Sampling;
using LlmServe.Worker.Model;
using LlmServe.Worker.Model.Kernels;
using LlmServe.Worker.Model.Llama;
using LlmServe.Worker.Tests.Oracle;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmServe.Worker.Tests.Model.Llama;

/// <summary>
/// The fused decode path against the general layer-by-layer path on bf16 random checkpoints: the same logits for
/// batches of one to four decodes over paged, ragged contexts, and no fused step where the path does not apply.
/// </summary>
public sealed class FusedDecodeTests(RandomCheckpointFixture files) : IClassFixture<RandomCheckpointFixture>
{
    private const int BlockSize = 4;
    private const int Blocks = 48;
    private static readonly int[] PromptLengths = [3, 17, 9, 30];

    /// <summary>Decode steps as the indices of the sequences in each: every size up to four, ragged, not in order.</summary>
    private static readonly int[][] Steps = [[0], [0, 1], [2, 0, 1], [0, 1, 2, 3], [3], [1, 3], [3, 2, 1, 0], [2]];

    /// <summary>
    /// qwen2 adds q/k/v biases, qwen3 per-head q/k norms (the kernel's, where the general path runs torch's), phi3 reads
    /// q/k/v and gate/up as row ranges of its fused matrices.
    /// </summary>
    [Theory]
    [InlineData("llama")]
    [InlineData("mistral")]
    [InlineData("qwen2")]
    [InlineData("qwen3")]
    [InlineData("phi3")]
    public void FusedStep_EqualsTheGeneralPath_BitForBit(string name) => AssertFusedMatchesGeneral(files.Gguf(name));

    [Fact]
    public void FusedStep_HuggingFaceLayout_EqualsTheGeneralPath_BitForBit() => AssertFusedMatchesGeneral(files.HuggingFace("llama3"));

    /// <summary>
    /// Steps pinned to the kernel (batch-invariant decodes) take the fused path past four rows: input rows beyond one
    /// tile in every linear, gate/up and the LM head, still the general path's bits.
    /// </summary>
    [Theory]
    [InlineData("llama")]
    [InlineData("qwen2")]
    public void FusedStep_ManyDecodesPinnedToTheKernel_EqualsTheGeneralPath_BitForBit(string name) =>
        AssertFusedMatchesGeneral(files.Gguf(name), [3, 17, 9, 30, 5, 12, 21, 8, 14, 2, 26, 11, 7],
            [[.. Enumerable.Range(0, 13)], [12, 0, 5, 7, 1, 9], [3, 1, 4, 11, 5, 9, 2, 6, 8], [.. Enumerable.Range(0, 13).Reverse()]],
            blocks: 13 * 12, LinearKernel.RowGemv);

    /// <summary>
    /// An FFN width of 151: gate/up end in a part tile (3 rows) and a part SiLU group (7 values), and the down projection
    /// has an odd K; 13 decodes pinned to the kernel still give the general path's bits.
    /// </summary>
    [Fact]
    public void FusedStep_FfnWidthOfPartTilesAndOddK_EqualsTheGeneralPath_BitForBit() =>
        AssertFusedMatchesGeneral(files.Gguf("llama-ffn151", OracleSpecs.Get("llama") with { IntermediateSize = 151 }),
            [3, 17, 9, 30, 5, 12, 21, 8, 14, 2, 26, 11, 7], [[.. Enumerable.Range(0, 13)], [12, 0, 5, 7, 1, 9]],
            blocks: 13 * 12, LinearKernel.RowGemv);

    /// <summary>
    /// A hidden size of 144 leaves the vector loop a tail, so its prepared rows keep a float32 copy and take more room than
    /// the wider FFN's (256, rows of bf16 pairs alone): with 40 decodes in a step, input buffers sized by the widest K
    /// would overflow; they must fit the largest row.
    /// </summary>
    [Fact]
    public void FusedStep_HiddenSizeWithATail_EqualsTheGeneralPath_BitForBit() =>
        AssertFusedMatchesGeneral(files.Gguf("llama-d144", OracleSpecs.Get("llama") with { HiddenSize = 144 }),
            [.. Enumerable.Range(0, 40).Select(i => 2 + i % 9)], [[.. Enumerable.Range(0, 40)], [39, 0, 17, 8]],
            blocks: 40 * 4, LinearKernel.RowGemv);

    /// <summary>RoPE over part of each head is left to the general path, which rotates only that part.</summary>
    [Fact]
    public void PartialRotary_HasNoFusedStep()
    {
        using var model = ModelLoader.Load(files.Gguf("phi3-partial"), ScalarType.BFloat16);

        Assert.Null(model.Network.FusedDecode);
    }

    /// <summary>
    /// Prompt tokens attend as rows of their own outside batch-invariant steps exactly where torch's bf16 GEMM is its
    /// slow fallback, for bf16 models whose attention the kernel computes (not Gemma 2's soft-capped scores).
    /// </summary>
    [Fact]
    public void PrefersRowAttention_OnlyBf16WithoutAFastTorchBf16Gemm()
    {
        using var bf16 = ModelLoader.Load(files.Gguf("llama"), ScalarType.BFloat16);
        using var f32 = ModelLoader.Load(files.Gguf("llama"), ScalarType.Float32);
        using var softcapped = ModelLoader.Load(files.Gguf("gemma2"), ScalarType.BFloat16);

        Assert.Equal(!TorchBf16.GemmIsFast, bf16.Network.PrefersRowAttention);
        Assert.False(f32.Network.PrefersRowAttention);
        Assert.False(softcapped.Network.PrefersRowAttention);
    }

    [Fact]
    public void TryForward_StepsItDoesNotTake_ReturnNullAndTouchNothing()
    {
        using var model = ModelLoader.Load(files.Gguf("llama"), ScalarType.BFloat16);
        using var inference = torch.inference_mode();
        var fused = model.Network.FusedDecode;
        Assert.NotNull(fused);
        using var cache = model.Network.CreateCache(BlockSize * Blocks);
        using var before = cache.Keys(0).clone();
        var vocab = model.Network.Config.VocabSize;

        // A prefill (several new tokens), more decodes than Auto sends to the kernel, more decodes than the fused
        // buffers hold, a token id outside the vocabulary.
        Assert.Null(Try(fused, cache, [1, 2, 3], [new SequenceSlice([0, 1, 2], 3, Sample: true)]));
        var auto = Math.Min(FusedDecode.MaxRows, DecodeLinear.Bf16AutoMaxRows) + 1;
        Assert.Null(Try(fused, cache, [.. Enumerable.Repeat(1L, auto)], [.. Enumerable.Range(0, auto).Select(i => new SequenceSlice([i * 2, i * 2 + 1], 1, Sample: true))],
            kernel: LinearKernel.Auto));
        var many = FusedDecode.MaxRows + 1;
        Assert.Null(Try(fused, cache, [.. Enumerable.Repeat(1L, many)], [.. Enumerable.Range(0, many).Select(i => new SequenceSlice([i * 2, i * 2 + 1], 1, Sample: true))]));
        Assert.Null(Try(fused, cache, [vocab], [new SequenceSlice([0, 1], 1, Sample: true)]));
        // A prompt chunk whose tokens a batch-invariant step sends as rows of their own: each row attends over the
        // slots its neighbours write, which the job's one work item per row cannot order.
        Assert.Null(Try(fused, cache, [1, 2, 3], [new SequenceSlice([0, 1, 2], 3, Sample: true)], attentionPerRow: true));
        Assert.Null(Try(fused, cache, [1, 2, 3], [new SequenceSlice([8, 9], 1, Sample: true), new SequenceSlice([0, 1, 2], 2, Sample: true)], attentionPerRow: true));
        Assert.True(cache.Keys(0).eq(before).all().item<bool>());
    }

    [Fact]
    public void Forward_TokenOutsideTheVocabulary_FailsTheStepInsteadOfReadingPastTheEmbedding()
    {
        using var model = ModelLoader.Load(files.Gguf("llama"), ScalarType.BFloat16);
        using var inference = torch.inference_mode();
        using var cache = model.Network.CreateCache(BlockSize * Blocks);
        using var batch = AttentionBatchBuilder.Build([new SequenceSlice([0, 1], 1, Sample: true)]);

        Assert.ThrowsAny<Exception>(() => model.Network.Forward(torch.tensor(new long[] { model.Network.Config.VocabSize }), batch, cache));
    }

    /// <summary>Two engines sharing one model (and the process's kernel team) each get their own step's results.</summary>
    [Fact]
    public async Task FusedSteps_FromTwoThreadsAtOnce_EqualTheSameStepsRunOneAfterTheOther()
    {
        using var model = ModelLoader.Load(files.Gguf("llama"), ScalarType.BFloat16);
        int[][] prompts = [[5, 9, 2, 7], [11, 3, 8, 1, 6, 4, 10]];

        var alone = prompts.Select(p => Decode(model.Network, p, steps: 40)).ToArray();
        var together = await Task.WhenAll(prompts.Select(p => Task.Run(() => Decode(model.Network, p, steps: 40))));

        Assert.Equal(alone[0], together[0]);
        Assert.Equal(alone[1], together[1]);
    }

    /// <summary>Greedy tokens of one sequence decoded step by step through the fused path, on its own cache.</summary>
    private static List<long> Decode(LlamaModel network, int[] prompt, int steps)
    {
        using var inference = torch.inference_mode();
        using var cache = network.CreateCache(prompt.Length + steps);
        var tokens = prompt.Select(t => (long)t).ToList();
        using (var scope = NewDisposeScope())
        {
            using var prefill = AttentionBatchBuilder.Build([new SequenceSlice([.. Enumerable.Range(0, tokens.Count)], tokens.Count, Sample: true)]);
            tokens.Add(network.Forward(torch.tensor(tokens.ToArray()), prefill, cache).argmax(-1).item<long>());
        }
        while (tokens.Count < prompt.Length + steps)
        {
            using var scope = NewDisposeScope();
            using var batch = AttentionBatchBuilder.Build([new SequenceSlice([.. Enumerable.Range(0, tokens.Count)], 1, Sample: true)]);
            var logits = network.FusedDecode!.TryForward(torch.tensor(new[] { tokens[^1] }), batch, cache);
            Assert.NotNull(logits);
            tokens.Add(logits.argmax(-1).item<long>());
        }
        return tokens;
    }

    private static Tensor? Try(FusedDecode fused, KvCache cache, long[] tokens, SequenceSlice[] slices, bool attentionPerRow = false,
        LinearKernel kernel = LinearKernel.RowGemv)
    {
        using var batch = AttentionBatchBuilder.Build(slices, kernel, attentionPerRow);
        return fused.TryForward(torch.tensor(tokens), batch, cache);
    }

    private static void AssertFusedMatchesGeneral(string path) => AssertFusedMatchesGeneral(path, PromptLengths, Steps, Blocks, LinearKernel.Auto);

    private static void AssertFusedMatchesGeneral(string path, int[] promptLengths, int[][] steps, int blocks, LinearKernel kernel)
    {
        using var model = ModelLoader.Load(path, ScalarType.BFloat16);
        using var inference = torch.inference_mode();
        var network = model.Network;
        var fused = network.FusedDecode;
        Assert.NotNull(fused);
        using var generalCache = network.CreateCache(BlockSize * blocks);
        using var fusedCache = network.CreateCache(BlockSize * blocks);
        var random = new Random(7);
        var vocab = network.Config.VocabSize;
        var sequences = promptLengths.Select(n => Enumerable.Range(0, n).Select(_ => (long)random.Next(1, vocab)).ToList()).ToArray();
        // Each sequence owns every n-th block of n sequences, last first, so contexts are scattered over the cache.
        var slots = Enumerable.Range(0, sequences.Length).Select(s =>
            Enumerable.Range(0, blocks / sequences.Length).Reverse().SelectMany(b =>
                Enumerable.Range(0, BlockSize).Select(o => (b * sequences.Length + s) * BlockSize + o)).ToArray()).ToArray();
        foreach (var cache in new[] { generalCache, fusedCache })
        {
            for (var s = 0; s < sequences.Length; s++)
            {
                using var scope = NewDisposeScope();
                using var batch = AttentionBatchBuilder.Build([new SequenceSlice(slots[s][..sequences[s].Count], sequences[s].Count, Sample: true)]);
                network.ForwardLayers(torch.tensor(sequences[s].ToArray()), batch, cache);
            }
        }

        foreach (var step in steps)
        {
            using var scope = NewDisposeScope();
            foreach (var s in step)
            {
                sequences[s].Add(random.Next(1, vocab));
            }
            var tokens = torch.tensor(step.Select(s => sequences[s][^1]).ToArray());
            using var batch = AttentionBatchBuilder.Build([.. step.Select(s => new SequenceSlice(slots[s][..sequences[s].Count], 1, Sample: true))], kernel);

            var expected = network.ForwardLayers(tokens, batch, generalCache);           // (B, V)
            var actual = fused.TryForward(tokens, batch, fusedCache);                      // (B, V)

            Assert.NotNull(actual);
            Assert.Equal(expected.shape, actual.shape);
            var diff = (expected - actual).abs().max().item<float>();
            Assert.True(diff == 0, $"step [{string.Join(", ", step)}]: max |diff| {diff:G3}");
            for (var i = 0; i < step.Length; i++)
            {
                Assert.Equal(Sampler.ArgMax(expected[i].data<float>().ToArray()), Sampler.ArgMax(actual[i].data<float>().ToArray()));
            }
        }
    }
}
