using System.Text.Json.Nodes;
using LlmServe.Checkpoints.Random;
using LlmServe.Checkpoints.Vocab;

namespace LlmServe.Checkpoints.HuggingFace;

/// <summary>config.json and generation_config.json of a random checkpoint, in transformers' key names.</summary>
internal static class HfConfigFiles
{
    public static JsonObject Config(RandomCheckpointSpec spec, Vocabulary vocabulary)
    {
        var traits = spec.Traits;
        var config = new JsonObject
        {
            ["architectures"] = new JsonArray(traits.HfArchitecture),
            ["model_type"] = traits.ModelType,
            ["vocab_size"] = spec.VocabSize,
            ["hidden_size"] = spec.HiddenSize,
            ["intermediate_size"] = spec.IntermediateSize,
            ["num_hidden_layers"] = spec.Layers,
            ["num_attention_heads"] = spec.Heads,
            ["num_key_value_heads"] = spec.KvHeads,
            ["head_dim"] = spec.EffectiveHeadDim,
            ["hidden_act"] = "silu",
            ["max_position_embeddings"] = spec.MaxPositionEmbeddings,
            ["rms_norm_eps"] = spec.EffectiveRmsNormEps,
            ["rope_theta"] = spec.EffectiveRopeTheta,
            ["rope_scaling"] = traits.Llama3RopeScaling ? Llama3Scaling(spec.Llama3Scaling)
                : spec.RopeScaling is { } scaling ? Scaling(scaling, spec) : null,
            ["tie_word_embeddings"] = spec.EffectiveTieWordEmbeddings,
            ["attention_bias"] = traits.AttentionBias,
            ["attention_dropout"] = 0.0,
            ["initializer_range"] = spec.InitStd,
            ["bos_token_id"] = vocabulary.BosId,
            ["eos_token_id"] = vocabulary.EosId,
            ["torch_dtype"] = TorchDType(spec.DType),
            ["use_cache"] = true,
        };
        switch (spec.Architecture)
        {
            case CheckpointArchitecture.Llama or CheckpointArchitecture.Llama3:
                config["mlp_bias"] = false;
                config["pretraining_tp"] = 1;
                break;
            case CheckpointArchitecture.Mistral:
                config["sliding_window"] = null;
                break;
            case CheckpointArchitecture.Gemma or CheckpointArchitecture.Gemma2 or CheckpointArchitecture.Gemma3:
                AddGemma(config, spec);
                break;
            case CheckpointArchitecture.Granite:
                config["embedding_multiplier"] = spec.Granite.EmbeddingMultiplier;
                config["attention_multiplier"] = spec.Granite.AttentionMultiplier;
                config["residual_multiplier"] = spec.Granite.ResidualMultiplier;
                config["logits_scaling"] = spec.Granite.LogitsScaling;
                config["mlp_bias"] = false;
                break;
            case CheckpointArchitecture.Mixtral:
                config["num_local_experts"] = spec.Experts;
                config["num_experts_per_tok"] = spec.ExpertsPerToken;
                config["router_aux_loss_coef"] = 0.02;
                config["output_router_logits"] = false;
                config["sliding_window"] = null;
                break;
            case CheckpointArchitecture.Qwen3Moe:
                config["num_experts"] = spec.Experts;
                config["num_experts_per_tok"] = spec.ExpertsPerToken;
                config["moe_intermediate_size"] = spec.IntermediateSize;
                config["norm_topk_prob"] = true;
                config["decoder_sparse_step"] = 1;
                config["mlp_only_layers"] = new JsonArray();
                config["use_sliding_window"] = false;
                config["sliding_window"] = null;
                break;
            case CheckpointArchitecture.Phi3:
                config["sliding_window"] = null;
                config["partial_rotary_factor"] = spec.PartialRotaryFactor;
                config["original_max_position_embeddings"] = spec.RopeScaling?.OriginalMaxPositionEmbeddings ?? spec.MaxPositionEmbeddings;
                break;
            default:
                // Qwen2/Qwen3 configs carry a sliding-window switch; these checkpoints use full attention.
                config["use_sliding_window"] = false;
                config["sliding_window"] = null;
                config["max_window_layers"] = spec.Layers;
                break;
        }
        return config;
    }

    /// <remarks>
    /// query_pre_attn_scalar is the head dim, as in every released model but the 27B ones: llama.cpp does not read it
    /// and scales by the head dim, so the twins compute the same function.
    /// </remarks>
    private static void AddGemma(JsonObject config, RandomCheckpointSpec spec)
    {
        config["hidden_act"] = "gelu_pytorch_tanh";
        config["hidden_activation"] = "gelu_pytorch_tanh";
        if (spec.Architecture == CheckpointArchitecture.Gemma)
        {
            return;
        }
        config["query_pre_attn_scalar"] = spec.EffectiveHeadDim;
        config["sliding_window"] = spec.SlidingWindow;
        if (spec.Architecture == CheckpointArchitecture.Gemma2)
        {
            config["attn_logit_softcapping"] = spec.AttentionLogitSoftcap;
            config["final_logit_softcapping"] = spec.FinalLogitSoftcap;
            return;
        }
        config["attn_logit_softcapping"] = null;
        config["final_logit_softcapping"] = null;
        config["rope_local_base_freq"] = 10000.0;
        config["sliding_window_pattern"] = 6;
        config["layer_types"] = new JsonArray([.. Enumerable.Range(0, spec.Layers)
            .Select(i => (JsonNode)((i + 1) % 6 == 0 ? "full_attention" : "sliding_attention"))]);
    }

    public static JsonObject GenerationConfig(Vocabulary vocabulary) => new()
    {
        ["_from_model_config"] = true,
        ["bos_token_id"] = vocabulary.BosId,
        ["eos_token_id"] = vocabulary.EosId,
    };

    private static JsonObject Llama3Scaling(Llama3ScalingSpec s) => new()
    {
        ["rope_type"] = "llama3",
        ["factor"] = s.Factor,
        ["low_freq_factor"] = s.LowFreqFactor,
        ["high_freq_factor"] = s.HighFreqFactor,
        ["original_max_position_embeddings"] = s.OriginalMaxPositionEmbeddings,
    };

    private static JsonObject Scaling(RopeScalingSpec s, RandomCheckpointSpec spec)
    {
        if (s.Type == "longrope")
        {
            // Phi-3 style: the lists in rope_scaling, the original context at the top level (see Config).
            return new JsonObject
            {
                ["type"] = s.Type,
                ["short_factor"] = new JsonArray([.. RopeScalingSpec.LongRopeFactors(spec.RotaryDim, false).Select(f => (JsonNode)(double)f)]),
                ["long_factor"] = new JsonArray([.. RopeScalingSpec.LongRopeFactors(spec.RotaryDim, true).Select(f => (JsonNode)(double)f)]),
            };
        }
        var scaling = new JsonObject { ["rope_type"] = s.Type, ["type"] = s.Type, ["factor"] = s.Factor };
        if (s.OriginalMaxPositionEmbeddings is int original)
        {
            scaling["original_max_position_embeddings"] = original;
        }
        return scaling;
    }

    private static string TorchDType(CheckpointDType dtype) => dtype switch
    {
        CheckpointDType.F16 => "float16",
        CheckpointDType.BF16 => "bfloat16",
        _ => "float32",
    };
}
