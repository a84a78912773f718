using System.Text.RegularExpressions;

namespace LlmServe.Worker.Model.HuggingFace;

/// <summary>Maps the model's canonical (GGUF-style) tensor names to Hugging Face Llama/Qwen names.</summary>
internal static partial class HfTensorNames
{
    private static readonly Dictionary<string, string> Global = new(StringComparer.Ordinal)
    {
        ["token_embd.weight"] = "model.embed_tokens.weight",
        ["output_norm.weight"] = "model.norm.weight",
        ["output.weight"] = "lm_head.weight",
    };

    private static readonly Dictionary<string, string> PerLayer = new(StringComparer.Ordinal)
    {
        ["attn_norm.weight"] = "input_layernorm.weight",
        ["attn_q.weight"] = "self_attn.q_proj.weight",
        ["attn_k.weight"] = "self_attn.k_proj.weight",
        ["attn_v.weight"] = "self_attn.v_proj.weight",
        ["attn_q.bias"] = "self_attn.q_proj.bias",
        ["attn_k.bias"] = "self_attn.k_proj.bias",
        ["attn_v.bias"] = "self_attn.v_proj.bias",
        ["attn_output.weight"] = "self_attn.o_proj.weight",
        ["attn_q_norm.weight"] = "self_attn.q_norm.weight",
        ["attn_k_norm.weight"] = "self_attn.k_norm.weight",
        ["ffn_norm.weight"] = "post_attention_layernorm.weight",
        ["ffn_gate.weight"] = "mlp.gate_proj.weight",
        ["ffn_up.weight"] = "mlp.up_proj.weight",
        ["ffn_down.weight"] = "mlp.down_proj.weight",
    };

    /// <summary>The Hugging Face name for a canonical name, or null when there is none (e.g. rope_freqs).</summary>
    public static string? ToHf(string canonical)
    {
        if (Global.TryGetValue(canonical, out var global))
        {
            return global;
        }
        var match = LayerName().Match(canonical);
        return match.Success && PerLayer.TryGetValue(match.Groups[2].Value, out var suffix)
            ? $"model.layers.{match.Groups[1].Value}.{suffix}"
            : null;
    }

    [GeneratedRegex(@"^blk\.(\d+)\.(.+)$")]
    private static partial Regex LayerName();
}
