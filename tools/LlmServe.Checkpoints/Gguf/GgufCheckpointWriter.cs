using LlmServe.Checkpoints.Random;
using LlmServe.Checkpoints.Vocab;

namespace LlmServe.Checkpoints.Gguf;

/// <summary>
/// Writes a random checkpoint as GGUF the way llama.cpp's convert_hf_to_gguf.py would convert its Hugging Face
/// twin: the same hyper-parameter keys, q/k permuted for llama-converted architectures, 1-D tensors in F32,
/// and Llama 3 scaling as a rope_freqs tensor.
/// </summary>
public static class GgufCheckpointWriter
{
    public static void Write(RandomCheckpointSpec spec, string path, Vocabulary vocabulary)
    {
        var writer = Create(spec, vocabulary);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }
        writer.Write(path);
    }

    public static GgufWriter Create(RandomCheckpointSpec spec, Vocabulary vocabulary)
    {
        var plan = RandomCheckpoint.Plan(spec);
        if (vocabulary.Size != spec.VocabSize)
        {
            throw new ArgumentException($"The vocabulary has {vocabulary.Size} tokens, the spec {spec.VocabSize}.", nameof(vocabulary));
        }
        var traits = spec.Traits;
        var arch = traits.GgufArchitecture;
        var headDim = spec.EffectiveHeadDim;
        var w = new GgufWriter();
        w.AddString("general.architecture", arch);
        // NOTE: not the architecture's name: llama.cpp sets token attributes by model name ("phi3" makes it look up
        // Phi-3's own special tokens, which a borrowed vocabulary lacks, and fail to load).
        w.AddString("general.name", $"random-weights-{spec.Seed}");
        w.AddUInt32("general.file_type", spec.DType switch { CheckpointDType.F16 => 1u, CheckpointDType.BF16 => 32u, _ => 0u });
        w.AddUInt32($"{arch}.vocab_size", (uint)spec.VocabSize);
        w.AddUInt32($"{arch}.context_length", (uint)spec.MaxPositionEmbeddings);
        w.AddUInt32($"{arch}.embedding_length", (uint)spec.HiddenSize);
        w.AddUInt32($"{arch}.block_count", (uint)spec.Layers);
        w.AddUInt32($"{arch}.feed_forward_length", (uint)spec.IntermediateSize);
        w.AddUInt32($"{arch}.attention.head_count", (uint)spec.Heads);
        w.AddUInt32($"{arch}.attention.head_count_kv", (uint)spec.KvHeads);
        w.AddUInt32($"{arch}.attention.key_length", (uint)headDim);
        w.AddUInt32($"{arch}.attention.value_length", (uint)headDim);
        w.AddFloat32($"{arch}.attention.layer_norm_rms_epsilon", (float)spec.EffectiveRmsNormEps);
        w.AddFloat32($"{arch}.rope.freq_base", (float)spec.EffectiveRopeTheta);
        w.AddUInt32($"{arch}.rope.dimension_count", (uint)spec.RotaryDim);
        if (spec.RopeScaling is { Type: "longrope" } longRope)
        {
            // As the converter: no scaling type (llama.cpp's default), the factors as tensors (below), these two keys.
            w.AddFloat32($"{arch}.rope.scaling.attn_factor", longRope.LongRopeAttentionFactor(spec.MaxPositionEmbeddings));
            w.AddUInt32($"{arch}.rope.scaling.original_context_length", (uint)longRope.OriginalMaxPositionEmbeddings!.Value);
        }
        else if (spec.RopeScaling is { } scaling)
        {
            w.AddString($"{arch}.rope.scaling.type", scaling.Type);
            w.AddFloat32($"{arch}.rope.scaling.factor", (float)scaling.Factor);
            if (scaling.OriginalMaxPositionEmbeddings is int original)
            {
                w.AddUInt32($"{arch}.rope.scaling.original_context_length", (uint)original);
            }
        }
        if (traits.Experts)
        {
            w.AddUInt32($"{arch}.expert_count", (uint)spec.Experts);
            w.AddUInt32($"{arch}.expert_used_count", (uint)spec.ExpertsPerToken);
            if (spec.Architecture == CheckpointArchitecture.Qwen3Moe)
            {
                w.AddUInt32($"{arch}.expert_feed_forward_length", (uint)spec.IntermediateSize);
            }
        }
        switch (spec.Architecture)
        {
            case CheckpointArchitecture.Gemma2:
                w.AddFloat32($"{arch}.attn_logit_softcapping", (float)spec.AttentionLogitSoftcap);
                w.AddFloat32($"{arch}.final_logit_softcapping", (float)spec.FinalLogitSoftcap);
                w.AddUInt32($"{arch}.attention.sliding_window", (uint)spec.SlidingWindow);
                break;
            case CheckpointArchitecture.Gemma3:
                w.AddUInt32($"{arch}.attention.sliding_window", (uint)spec.SlidingWindow);
                break;
            case CheckpointArchitecture.Granite:
                w.AddFloat32($"{arch}.embedding_scale", (float)spec.Granite.EmbeddingMultiplier);
                w.AddFloat32($"{arch}.attention.scale", (float)spec.Granite.AttentionMultiplier);
                w.AddFloat32($"{arch}.residual_scale", (float)spec.Granite.ResidualMultiplier);
                w.AddFloat32($"{arch}.logit_scale", (float)spec.Granite.LogitsScaling);
                break;
        }
        AddTokenizer(w, vocabulary);

        // The converter emits generated tensors (rope_freqs) before the checkpoint's own.
        if (traits.Llama3RopeScaling)
        {
            var factors = spec.Llama3Scaling.GgufRopeFactors(spec.EffectiveRopeTheta, headDim);
            w.AddTensor("rope_freqs.weight", [factors.Length], GgufTensorType.F32, () => TensorEncoding.Encode(factors, CheckpointDType.F32));
        }
        if (spec.RopeScaling is { Type: "longrope" })
        {
            foreach (var (name, isLong) in new[] { ("rope_factors_long.weight", true), ("rope_factors_short.weight", false) })
            {
                var factors = RopeScalingSpec.LongRopeFactors(spec.RotaryDim, isLong);
                w.AddTensor(name, [factors.Length], GgufTensorType.F32, () => TensorEncoding.Encode(factors, CheckpointDType.F32));
            }
        }
        foreach (var tensor in plan.Where(t => t.Expert is null or 0))
        {
            // NOTE: as in the converter, 1-D tensors (norms, biases) stay F32; their values were already rounded to
            // the checkpoint dtype, so they equal the Hugging Face twin's.
            var dtype = tensor.IsVector ? CheckpointDType.F32 : spec.DType;
            if (tensor.Expert is null)
            {
                w.AddTensor(tensor.GgufName, tensor.Shape, ToGguf(dtype),
                    () => TensorEncoding.Encode(RandomCheckpoint.GgufValues(spec, tensor), dtype));
                continue;
            }
            // The converter stacks the experts' matrices into one (E, rows, cols) tensor.
            var experts = plan.Where(t => t.GgufName == tensor.GgufName).OrderBy(t => t.Expert).ToList();
            w.AddTensor(tensor.GgufName, [experts.Count, .. tensor.Shape], ToGguf(dtype),
                () => TensorEncoding.Encode([.. experts.SelectMany(t => RandomCheckpoint.GgufValues(spec, t))], dtype));
        }
        return w;
    }

    private static void AddTokenizer(GgufWriter w, Vocabulary vocabulary)
    {
        w.AddString("tokenizer.ggml.model", "llama");
        w.AddStrings("tokenizer.ggml.tokens", vocabulary.Tokens);
        w.AddFloat32s("tokenizer.ggml.scores", vocabulary.Scores);
        w.AddInt32s("tokenizer.ggml.token_type", vocabulary.TokenTypes);
        w.AddUInt32("tokenizer.ggml.bos_token_id", (uint)vocabulary.BosId);
        w.AddUInt32("tokenizer.ggml.eos_token_id", (uint)vocabulary.EosId);
        w.AddUInt32("tokenizer.ggml.unknown_token_id", (uint)vocabulary.UnknownId);
        w.AddBool("tokenizer.ggml.add_bos_token", true);
        w.AddBool("tokenizer.ggml.add_eos_token", false);
    }

    private static GgufTensorType ToGguf(CheckpointDType dtype) => dtype switch
    {
        CheckpointDType.F16 => GgufTensorType.F16,
        CheckpointDType.BF16 => GgufTensorType.BF16,
        _ => GgufTensorType.F32,
    };
}
