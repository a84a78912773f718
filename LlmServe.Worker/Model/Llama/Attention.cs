using LlmServe.Worker.Model.Kernels;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace LlmServe.Worker.Model.Llama;

/// <summary>The weights of one attention block; biases (Qwen2) and q/k norms (Qwen3) are optional.</summary>
internal sealed record AttentionWeights(Tensor Wq, Tensor Wk, Tensor Wv, Tensor Wo,
    Tensor? Bq = null, Tensor? Bk = null, Tensor? Bv = null, RmsNorm? QNorm = null, RmsNorm? KNorm = null);

/// <summary>
/// Causal grouped-query self-attention with RoPE over a per-sequence KV cache. Under tensor parallelism one
/// instance is one shard: <paramref name="heads"/> and <paramref name="kvHeads"/> are the shard's own, q/k/v hold its
/// rows (column-parallel) and o_proj its columns (row-parallel), so <see cref="Forward"/> returns a partial sum.
/// </summary>
internal sealed class Attention(int heads, int kvHeads, int headDim, AttentionWeights w, AttentionOptions? options = null) : IDisposable
{
    private readonly int _heads = heads;
    private readonly int _kvHeads = kvHeads;
    private readonly int _headDim = headDim;
    private readonly AttentionOptions _options = options ?? AttentionOptions.Default(headDim);
    private readonly Scalar _scale = (options ?? AttentionOptions.Default(headDim)).Scale.ToScalar(); // held: see HeldScalars
    private readonly Scalar? _softcap = options?.Softcap?.ToScalar();
    private readonly Scalar? _inverseSoftcap = options?.Softcap is double cap ? (1.0 / cap).ToScalar() : null;

    public AttentionWeights Weights => w;

    public int Heads => _heads;

    public int KvHeads => _kvHeads;

    public AttentionOptions Options => _options;

    /// <summary>
    /// x: (N, d) hidden states of the step's new tokens. Writes their K/V into the cache slots of
    /// <paramref name="batch"/> and attends each token over its sequence's context (itself included).
    /// </summary>
    public Tensor Forward(Tensor x, AttentionBatch batch, RotaryEmbedding rope, Tensor cacheK, Tensor cacheV)
    {
        var n = x.shape[0];
        var qkv = DecodeLinear.Forward(x, batch.Linears, (w.Wq, w.Bq), (w.Wk, w.Bk), (w.Wv, w.Bv)); // one pass over q/k/v
        var q = qkv[0].view(n, _heads, _headDim);                           // (N, H, D)
        var k = qkv[1].view(n, _kvHeads, _headDim);                         // (N, Hkv, D)
        var v = qkv[2].view(n, _kvHeads, _headDim);                         // (N, Hkv, D)
        if (w.QNorm is not null && w.KNorm is not null)
        {
            q = w.QNorm.Forward(q);                                         // (N, H, D), normalised per head
            k = w.KNorm.Forward(k);                                         // (N, Hkv, D)
        }
        q = rope.Apply(q, batch.Positions);
        k = rope.Apply(k, batch.Positions);
        cacheK.index_copy_(0, batch.SlotMapping, k);
        cacheV.index_copy_(0, batch.SlotMapping, v);

        var output = torch.empty([n, _heads, _headDim], x.dtype, x.device); // (N, H, D)
        foreach (var seq in batch.Prefills)
        {
            var context = Prefill(q.narrow(0, seq.TokenStart, seq.TokenCount),
                cacheK.index_select(0, seq.ContextSlots), cacheV.index_select(0, seq.ContextSlots)); // (T, H, D)
            output.narrow(0, seq.TokenStart, seq.TokenCount).copy_(context);
        }
        if (batch.Decodes is { } decodes)
        {
            if (_softcap is not null || !DecodeAttentionKernel.TryRun(q, decodes, _options.Window ?? 0, cacheK, cacheV, output, _kvHeads, _options.Scale))
            {
                var mask = _options.Window is int window ? decodes.WindowMask(window) : decodes.PaddingMask; // (B, 1, 1, Smax)
                output.index_copy_(0, decodes.TokenRows, Decode(q.index_select(0, decodes.TokenRows), decodes, mask, cacheK, cacheV));
            }
        }
        return DecodeLinear.Forward(output.view(n, _heads * _headDim), w.Wo, kernel: batch.Linears); // (N, d)
    }

    /// <summary>
    /// T new tokens of one sequence over its S context rows; the new tokens are the last T of them. The score matrices
    /// take ~8 bytes per (head, query, key) while they live, so queries go through in tiles of at most
    /// <paramref name="scoreBytes"/>' worth: a 512-token chunk over a 32k context would otherwise hold ~2 GB per layer.
    /// The tiles depend only on T and S, so a sequence is computed the same way alone and in any batch (the matrix
    /// products may round a tile's float32 sums differently from one whole product's, in the last bit).
    /// </summary>
    internal Tensor Prefill(Tensor q, Tensor keys, Tensor values, long scoreBytes = PrefillScoreBytes)
    {
        long t = q.shape[0], s = keys.shape[0];
        var rows = Math.Clamp(scoreBytes / (8L * _heads * s), 1, t);
        if (rows == t)
        {
            return PrefillTile(q, keys, values, s - t);
        }
        var output = torch.empty([t, _heads, _headDim], q.dtype, q.device);   // (T, H, D)
        for (var start = 0L; start < t; start += rows)
        {
            var n = Math.Min(rows, t - start);
            using var scope = NewDisposeScope();
            output.narrow(0, start, n).copy_(PrefillTile(q.narrow(0, start, n), keys, values, s - t + start));
        }
        return output;
    }

    /// <summary>
    /// Bytes of score matrices one prefill tile may hold (see <see cref="Prefill"/>). Smaller tiles also run faster
    /// while they stay above a few MiB (the scores stay in cache): a 2,000-token prompt took 7.1-7.4 s at 32 MiB,
    /// 7.5-8.4 s at 64, 7.7-7.8 s at 16, 10.1-10.6 s at 4 and 10.7-11.4 s in one piece.
    /// </summary>
    internal const long PrefillScoreBytes = 32L << 20;

    /// <summary>Queries (R, H, D) at context positions <paramref name="first"/>.. over all S keys: (R, H, D).</summary>
    private Tensor PrefillTile(Tensor q, Tensor keys, Tensor values, long first)
    {
        long r = q.shape[0], s = keys.shape[0], g = _heads / _kvHeads;
        // Query head h reads kv head h / G: group the query heads under their kv head instead of copying K/V.
        var qg = q.view(r, _kvHeads, g, _headDim).permute(1, 2, 0, 3);    // (Hkv, G, R, D)
        var kg = keys.permute(1, 2, 0).unsqueeze(1);                         // (Hkv, 1, D, S)
        var scores = Softcap(torch.matmul(qg, kg).mul_(_scale));          // (Hkv, G, R, S)
        if (first + 1 < s)
        {
            // Query i sits at context position first + i and may see keys j <= first + i (all of them only at the end).
            var mask = torch.ones(r, s, dtype: ScalarType.Bool, device: q.device).triu_(first + 1); // (R, S)
            scores = scores.masked_fill(mask, HeldScalars.NegativeInfinity);
        }
        if (_options.Window is int window && first + r - 1 - window >= 0)
        {
            // ... and, in a sliding window, only keys j > first + i - window.
            var outside = torch.ones(r, s, dtype: ScalarType.Bool, device: q.device).tril_(first - window); // (R, S)
            scores = scores.masked_fill(outside, HeldScalars.NegativeInfinity);
        }
        var probs = F.softmax(scores.to_type(ScalarType.Float32), -1).to_type(q.dtype); // (Hkv, G, R, S)
        var context = torch.matmul(probs, values.permute(1, 0, 2).unsqueeze(1));       // (Hkv, G, R, D)
        return context.permute(2, 0, 1, 3).reshape(r, _heads, _headDim);             // (R, H, D)
    }

    /// <summary>cap * tanh(scores / cap) when the layer soft-caps its scores; the scores themselves otherwise.</summary>
    private Tensor Softcap(Tensor scores) =>
        _softcap is null ? scores : scores.mul_(_inverseSoftcap!).tanh_().mul_(_softcap);

    /// <summary>One new token per sequence, B sequences at once over their padded contexts.</summary>
    /// <param name="mask">(B, 1, 1, Smax) true for keys a query may not see (padding, outside its window).</param>
    private Tensor Decode(Tensor q, DecodeGroup decodes, Tensor mask, Tensor cacheK, Tensor cacheV)
    {
        long b = q.shape[0], smax = decodes.ContextSlots.shape[1], g = _heads / _kvHeads;
        var flat = decodes.ContextSlots.view(-1);                            // (B*Smax)
        var keys = cacheK.index_select(0, flat).view(b, smax, _kvHeads, _headDim);   // (B, Smax, Hkv, D)
        var values = cacheV.index_select(0, flat).view(b, smax, _kvHeads, _headDim); // (B, Smax, Hkv, D)
        var qg = q.view(b, _kvHeads, g, _headDim);                           // (B, Hkv, G, D)
        var scores = Softcap(torch.matmul(qg, keys.permute(0, 2, 3, 1)).mul_(_scale)); // (B, Hkv, G, Smax)
        scores = scores.masked_fill(mask, HeldScalars.NegativeInfinity);
        var probs = F.softmax(scores.to_type(ScalarType.Float32), -1).to_type(q.dtype);         // (B, Hkv, G, Smax)
        var context = torch.matmul(probs, values.permute(0, 2, 1, 3));      // (B, Hkv, G, D)
        return context.reshape(b, _heads, _headDim);                         // (B, H, D)
    }

    public void Dispose()
    {
        foreach (var tensor in new[] { w.Wq, w.Wk, w.Wv, w.Wo, w.Bq, w.Bk, w.Bv })
        {
            tensor?.Dispose();
        }
        w.QNorm?.Dispose();
        w.KNorm?.Dispose();
        _scale.Dispose();
        _softcap?.Dispose();
        _inverseSoftcap?.Dispose();
    }
}
