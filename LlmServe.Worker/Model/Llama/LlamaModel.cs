using System.Runtime.Intrinsics;
using LlmServe.Worker.Model.Kernels;
using LlmServe.Worker.Model.Llama.TensorParallel;
using TorchSharp;
using static LlmServe.Worker.Model.Llama.TensorParallel.WeightSlicer;
using static TorchSharp.torch;

namespace LlmServe.Worker.Model.Llama;

/// <summary>
/// A Llama-family decoder. Weights are addressed by their GGUF names (token_embd, blk.N.attn_q, ...), which
/// other formats' loaders map onto.
/// </summary>
internal sealed class LlamaModel : IDisposable
{
    private readonly Tensor _embedding;        // (V, d)
    private readonly DecoderLayer[] _layers;
    private readonly RmsNorm _norm;
    private readonly Tensor _lmHead;           // (V, d), may share storage with the embedding
    private readonly RotaryEmbedding[] _ropes; // per shard
    private readonly RotaryEmbedding[] _localRopes; // per shard, of the sliding layers; the same tables unless they differ (Gemma 3)
    private readonly Scalar? _embeddingScale;  // held: see HeldScalars
    private readonly Scalar? _finalSoftcap;
    private readonly Scalar? _inverseFinalSoftcap;
    private readonly Scalar? _inverseLogitScale;
    private readonly FusedDecode? _fusedDecode;

    /// <param name="tensorParallelSize">
    /// Shards the blocks are split over (vLLM's --tensor-parallel-size); see <see cref="ShardLayout"/> for what must divide.
    /// </param>
    /// <param name="progress">Told after each decoder layer is loaded (most of the load time: reading and converting weights).</param>
    public LlamaModel(LlamaConfig config, IWeightSource weights, ScalarType dtype, int tensorParallelSize = 1,
        IProgress<LayerProgress>? progress = null)
    {
        config.Validate(weights.Source);
        Config = config;
        DType = dtype;
        Shards = ShardGroup.OnAvailableDevices(tensorParallelSize == 1
            ? ShardLayout.Single(config)
            : ShardLayout.Create(config, tensorParallelSize, weights.Source));
        var primary = Shards.Primary;
        long d = config.HiddenSize, dh = config.HeadDim;
        _embedding = MoveTo(weights.Load("token_embd.weight", [config.VocabSize, d], dtype), primary);
        _layers = new DecoderLayer[config.NumLayers];
        for (var i = 0; i < config.NumLayers; i++)
        {
            _layers[i] = DecoderLayerLoader.Load(config, weights, dtype, i, Shards);
            progress?.Report(new LayerProgress(i + 1, config.NumLayers));
        }
        _norm = new RmsNorm(MoveTo(DecoderLayerLoader.LoadNorm(config, weights, "output_norm.weight", d, dtype), primary), config.RmsNormEps);
        // Tied embeddings: checkpoints without an output matrix reuse the token embedding as the LM head.
        _lmHead = weights.Contains("output.weight") && !config.TieWordEmbeddings
            ? MoveTo(weights.Load("output.weight", [config.VocabSize, d], dtype), primary)
            : _embedding.alias();
        float[]? ropeDivisors = null;
        if (weights.Contains("rope_freqs.weight"))
        {
            using var divisors = weights.Load("rope_freqs.weight", [config.RotaryDim / 2], ScalarType.Float32);
            ropeDivisors = divisors.data<float>().ToArray();
        }
        _ropes = CreateRopes(RotaryEmbedding.InverseFrequencies(config, ropeDivisors), config.RopeScaling?.Magnitude ?? 1.0);
        // Gemma 3's sliding layers rotate with their own base and without the global layers' scaling.
        _localRopes = config.LocalRopeTheta is double localTheta
            ? CreateRopes(RotaryEmbedding.InverseFrequencies(config with { RopeTheta = localTheta, RopeScaling = null }, null), 1.0)
            : _ropes;
        // Gemma scales embeddings by sqrt(hidden), rounded to the model's dtype where transformers is the reference.
        _embeddingScale = config.EmbeddingScale is double scale ? (config.RoundEmbeddingScale ? RoundTo(scale, dtype) : scale).ToScalar() : null;
        _finalSoftcap = config.FinalLogitSoftcap?.ToScalar();
        _inverseFinalSoftcap = config.FinalLogitSoftcap is double cap ? (1.0 / cap).ToScalar() : null;
        _inverseLogitScale = config.LogitScale is double divisor ? (1.0 / divisor).ToScalar() : null;
        if (Shards.Size == 1 && Vector256.IsHardwareAccelerated && config.IsPlainLlama
            && FusedDecodeWeights.TryCapture(config, _embedding, _layers, _norm, _lmHead, _ropes[0]) is { } fused)
        {
            _fusedDecode = new FusedDecode(config, fused, KernelTeam.Shared);
        }
    }

    /// <summary>One table per shard device; CPU shards share the primary's.</summary>
    private RotaryEmbedding[] CreateRopes(double[] inverseFrequencies, double magnitude)
    {
        RotaryEmbedding On(Device device) =>
            new(inverseFrequencies, Config.MaxPositionEmbeddings, Config.RopeInterleaved, DType, device, magnitude);
        var primary = On(Shards.Primary);
        return [.. Enumerable.Range(0, Shards.Size).Select(s => s == 0 || Shards.SharesOneDevice ? primary : On(Shards.Device(s)))];
    }

    private static double RoundTo(double value, ScalarType dtype)
    {
        using var t = torch.tensor(value, ScalarType.Float64);
        using var rounded = t.to_type(dtype);
        using var back = rounded.to_type(ScalarType.Float64);
        return back.item<double>();
    }

    public LlamaConfig Config { get; }
    public ScalarType DType { get; }

    /// <summary>
    /// How a batch-invariant step pins this model's kernels on the CPU; null on GPUs. Every new token attends as a row
    /// of its own (torch's prefill attention sums a token differently with its chunk's shape). bf16: prompt positions
    /// take torch's GEMM (its rows do not depend on each other) where it is oneDNN's, the GEMV kernel where torch's is
    /// its slow fallback (<see cref="TorchBf16.GemmIsFast"/>), and generated ones the GEMV kernel. float32: torch's
    /// GEMM gives few-row and uneven-row products different bits, so every position takes <see cref="F32Gemv"/>.
    /// </summary>
    public InvariantKernels? InvariantKernels => Shards.Primary.type != DeviceType.CPU ? null : DType switch
    {
        ScalarType.BFloat16 => new(Prompt: TorchBf16.GemmIsFast ? LinearKernel.Torch : LinearKernel.RowGemv, Generated: LinearKernel.RowGemv),
        ScalarType.Float32 => new(Prompt: LinearKernel.RowGemv, Generated: LinearKernel.RowGemv),
        _ => null,
    };

    /// <summary>
    /// Whether prompt tokens should attend as rows of their own (the decode attention kernel) even when a step is not
    /// batch-invariant: bf16 on a CPU where torch's bf16 matrix products, its prefill attention's, are its slow fallback
    /// (<see cref="TorchBf16.GemmIsFast"/>), which makes the kernel the faster path; not with soft-capped attention, which
    /// the kernel does not compute.
    /// </summary>
    public bool PrefersRowAttention => DType == ScalarType.BFloat16 && Shards.Primary.type == DeviceType.CPU && !TorchBf16.GemmIsFast
        && Config.AttentionLogitSoftcap is null;

    /// <summary>The fused path of small decode steps; null when the model is not one it can run (see FusedDecodeWeights).</summary>
    internal FusedDecode? FusedDecode => _fusedDecode;

    /// <summary>The tensor-parallel shards and their devices (one shard when the model is not sharded).</summary>
    public ShardGroup Shards { get; }

    /// <summary>A cache of <paramref name="slots"/> rows (one per token position it can hold), split like the model.</summary>
    public KvCache CreateCache(int slots) => new(Config, Shards, slots, DType);

    /// <summary>Bytes one cache slot takes over all layers and shards.</summary>
    public long CacheBytesPerSlot => KvCache.BytesPerSlot(Config, Shards.Layout, DType);

    /// <summary>
    /// Runs the step's new tokens (N, int64) of every sequence in <paramref name="batch"/> through the model,
    /// writing their K/V into <paramref name="cache"/>, and returns float32 logits of the sampled rows (M, V).
    /// </summary>
    /// <remarks>
    /// Steps of a few single-token decodes on a bf16 CPU model take <see cref="FusedDecode"/>; everything else, and
    /// anything it declines, takes <see cref="ForwardLayers"/>. Both give the same bits (see FusedDecode for the
    /// exceptions).
    /// </remarks>
    public Tensor Forward(Tensor tokens, AttentionBatch batch, KvCache cache) =>
        _fusedDecode?.TryForward(tokens, batch, cache) ?? ForwardLayers(tokens, batch, cache);

    /// <summary>The general path of <see cref="Forward(Tensor, AttentionBatch, KvCache)"/>: layer by layer through torch and the kernels.</summary>
    internal Tensor ForwardLayers(Tensor tokens, AttentionBatch batch, KvCache cache)
    {
        var batches = Shards.Place(batch);
        try
        {
            // The caller's tokens stay the caller's: copied (not moved) to a GPU primary.
            var x = _embedding.index_select(0, IsOn(tokens, Shards.Primary) ? tokens : tokens.to(Shards.Primary)); // (N, d)
            if (_embeddingScale is not null)
            {
                x.mul_(_embeddingScale);
            }
            for (var i = 0; i < _layers.Length; i++)
            {
                // Each layer's intermediates are freed when the layer ends rather than with the caller's scope at the
                // end of the step: the allocator then hands the next layer the same (cache-warm, already mapped)
                // memory instead of faulting in fresh pages for every intermediate of every layer.
                using var layerScope = NewDisposeScope();
                var ropes = Config.UsesLocalRope(i) ? _localRopes : _ropes;
                var next = _layers[i].Forward(x, batches, ropes, cache, i).MoveToOuterDisposeScope(); // (N, d)
                x.Dispose();                                                           // the previous layer's output
                x = next;
            }
            var rows = _norm.Forward(x.index_select(0, batches[0].SampleIndices));     // (M, d)
            var logits = DecodeLinear.Forward(rows, _lmHead, kernel: batches[0].Linears).to_type(ScalarType.Float32); // (M, V)
            if (_inverseLogitScale is not null)
            {
                logits.mul_(_inverseLogitScale);                                       // Granite: logits / logits_scaling
            }
            if (_finalSoftcap is not null)
            {
                logits.mul_(_inverseFinalSoftcap!).tanh_().mul_(_finalSoftcap);   // cap * tanh(logits / cap)
            }
            return MoveTo(logits, CPU);                                                // on the host for sampling
        }
        finally
        {
            foreach (var copy in batches.Where(b => !ReferenceEquals(b, batch)).Distinct())
            {
                copy.Dispose();
            }
        }
    }

    /// <summary>
    /// One sequence whose cache slot i holds position i: runs <paramref name="tokens"/> (T) at positions
    /// startPos.. and returns float32 logits of the last one (V).
    /// </summary>
    public Tensor Forward(Tensor tokens, int startPos, KvCache cache)
    {
        var t = (int)tokens.shape[0];
        if (startPos + t > cache.Capacity)
        {
            throw new ArgumentOutOfRangeException(nameof(tokens), $"Sequence of {startPos + t} tokens exceeds the cache capacity {cache.Capacity}.");
        }
        using var batch = AttentionBatchBuilder.Build([new SequenceSlice(Enumerable.Range(0, startPos + t).ToArray(), t, Sample: true)]);
        return Forward(tokens, batch, cache).squeeze(0);                               // (V)
    }

    public void Dispose()
    {
        _fusedDecode?.Dispose();
        _embedding.Dispose();
        foreach (var layer in _layers)
        {
            layer.Dispose();
        }
        _norm.Dispose();
        _lmHead.Dispose();
        foreach (var rope in _ropes.Concat(_localRopes).Distinct())
        {
            rope.Dispose();
        }
        _embeddingScale?.Dispose();
        _finalSoftcap?.Dispose();
        _inverseFinalSoftcap?.Dispose();
        _inverseLogitScale?.Dispose();
    }
}
