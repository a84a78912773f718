using System.Text.Json;
using LlmServe.Worker.Model.Llama;

namespace LlmServe.Worker.Model.HuggingFace;

/// <summary>What Gemma, Gemma 2 and Gemma 3 (text) change in the Llama recipe, as transformers' Gemma models compute it.</summary>
internal static class HfGemmaTraits
{
    public static LlamaConfig Apply(LlamaConfig config, JsonElement c) => config with
    {
        // gelu_pytorch_tanh; Gemma 1 configs may say "gelu", which transformers also runs as the tanh approximation.
        Activation = FeedForwardActivation.GeluTanh,
        EmbeddingScale = Math.Sqrt(config.HiddenSize),
        RoundEmbeddingScale = true,
        NormInFloat32 = true,
        NormWeightOffset = true,
        // Gemma 2/3 scale queries by query_pre_attn_scalar^-0.5 (transformers' default 256), Gemma by head_dim^-0.5.
        AttentionScale = config.Architecture == "gemma" ? null : 1.0 / Math.Sqrt(HfConfigReader.OptionalDouble(c, "query_pre_attn_scalar") ?? 256),
        AttentionLogitSoftcap = HfConfigReader.OptionalDouble(c, "attn_logit_softcapping") is > 0 and var attention ? attention : null,
        FinalLogitSoftcap = HfConfigReader.OptionalDouble(c, "final_logit_softcapping") is > 0 and var final ? final : null,
        LocalRopeTheta = config.Architecture == "gemma3_text" ? HfConfigReader.OptionalDouble(c, "rope_local_base_freq") ?? 10000 : null,
    };
}
