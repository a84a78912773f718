using LlmServe.Worker.Model.Llama;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace LlmServe.Worker.Tests.Model.Kernels;

/// <summary>The one-call bf16 decode attention against the padded torch formulation it replaces.</summary>
public sealed class DecodeAttentionKernelTests
{
    private const int Heads = 14, KvHeads = 2, HeadDim = 64, Slots = 300;

    [Fact]
    public void Kernel_MatchesTorchOps_OverRaggedContexts()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(31);
        var cacheK = torch.randn([Slots, KvHeads, HeadDim], generator: generator).to_type(ScalarType.BFloat16); // (slots, Hkv, D)
        var cacheV = torch.randn([Slots, KvHeads, HeadDim], generator: generator).to_type(ScalarType.BFloat16);
        // Three sequences, contexts of 1, 37 and 250 slots, scattered over the cache.
        var order = torch.randperm(Slots, generator: generator).data<long>().Select(s => (int)s).ToArray();
        int[][] contexts = [order[..1], order[1..38], order[38..288]];
        using var batch = AttentionBatchBuilder.Build([.. contexts.Select(c => new SequenceSlice(c, 1, true))]);
        var decodes = batch.Decodes!;
        var q = torch.randn([contexts.Length, Heads, HeadDim], generator: generator).to_type(ScalarType.BFloat16); // (B, H, D)

        var output = torch.zeros_like(q);
        Assert.True(DecodeAttentionKernel.TryRun(q, decodes, cacheK, cacheV, output, KvHeads));

        var expected = TorchDecode(q, decodes, cacheK, cacheV).to_type(ScalarType.Float32);
        var worst = (output.to_type(ScalarType.Float32) - expected).abs().max().item<float>();
        // Inputs are N(0, 1): one bf16 step near the largest outputs is ~1e-2; summation order adds less.
        Assert.True(worst < 2e-2, $"max |kernel - torch| = {worst}");
    }

    /// <summary>The padded formulation of the torch path: (B, H, D) queries over (B, Smax) gathered slots.</summary>
    private static Tensor TorchDecode(Tensor q, DecodeGroup decodes, Tensor cacheK, Tensor cacheV)
    {
        long b = q.shape[0], smax = decodes.ContextSlots.shape[1];
        var flat = decodes.ContextSlots.view(-1);
        var keys = cacheK.index_select(0, flat).view(b, smax, KvHeads, HeadDim);            // (B, Smax, Hkv, D)
        var values = cacheV.index_select(0, flat).view(b, smax, KvHeads, HeadDim);
        var qg = q.view(b, KvHeads, Heads / KvHeads, HeadDim);                              // (B, Hkv, G, D)
        var scores = torch.matmul(qg, keys.permute(0, 2, 3, 1)).mul_(1.0 / Math.Sqrt(HeadDim)); // (B, Hkv, G, Smax)
        scores = scores.masked_fill(decodes.PaddingMask, double.NegativeInfinity);
        var probs = F.softmax(scores.to_type(ScalarType.Float32), -1).to_type(q.dtype);
        return torch.matmul(probs, values.permute(0, 2, 1, 3)).reshape(b, Heads, HeadDim);   // (B, H, D)
    }

    [Fact]
    public void LargerGroups_AreLeftToTorch()
    {
        using var scope = NewDisposeScope();
        var contexts = Enumerable.Range(0, 5).Select(i => new[] { i }).ToArray();
        using var batch = AttentionBatchBuilder.Build([.. contexts.Select(c => new SequenceSlice(c, 1, true))]);
        var q = torch.zeros([5, Heads, HeadDim], ScalarType.BFloat16);
        var cache = torch.zeros([8, KvHeads, HeadDim], ScalarType.BFloat16);

        Assert.False(DecodeAttentionKernel.TryRun(q, batch.Decodes!, cache, cache, torch.zeros_like(q), KvHeads));
    }
}
