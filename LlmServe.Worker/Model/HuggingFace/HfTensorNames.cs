using System.Text.RegularExpressions;

namespace LlmServe.Worker.Model.HuggingFace;

/// <summary>Maps the model's canonical (GGUF-style) tensor names to Hugging Face Llama/Qwen/Phi-3/Gemma names.</summary>
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

    /// <summary>Phi-3 stores q/k/v and gate/up fused; GGUF keeps the names attn_qkv and (for the pair) ffn_up.</summary>
    private static readonly Dictionary<string, string> Phi3PerLayer = new(StringComparer.Ordinal)
    {
        ["attn_qkv.weight"] = "self_attn.qkv_proj.weight",
        ["ffn_up.weight"] = "mlp.gate_up_proj.weight",
    };

    /// <summary>
    /// Gemma 2/3's sandwich norms: there post_attention_layernorm norms the attention's output, and the FFN's input norm
    /// is pre_feedforward_layernorm (GGUF's ffn_norm).
    /// </summary>
    private static readonly Dictionary<string, string> SandwichPerLayer = new(StringComparer.Ordinal)
    {
        ["post_attention_norm.weight"] = "post_attention_layernorm.weight",
        ["ffn_norm.weight"] = "pre_feedforward_layernorm.weight",
        ["post_ffw_norm.weight"] = "post_feedforward_layernorm.weight",
    };

    private static readonly Dictionary<string, Dictionary<string, string>> ByModelType = new(StringComparer.Ordinal)
    {
        ["phi3"] = Phi3PerLayer,
        ["gemma2"] = SandwichPerLayer,
        ["gemma3_text"] = SandwichPerLayer,
        ["mixtral"] = new(StringComparer.Ordinal) { ["ffn_gate_inp.weight"] = "block_sparse_moe.gate.weight" },
        ["qwen3_moe"] = new(StringComparer.Ordinal) { ["ffn_gate_inp.weight"] = "mlp.gate.weight" },
    };

    /// <summary>Per-expert matrices, {0} the expert: GGUF stacks them as ffn_*_exps, Hugging Face keeps one per expert.</summary>
    private static readonly Dictionary<string, Dictionary<string, string>> ExpertsByModelType = new(StringComparer.Ordinal)
    {
        ["mixtral"] = new(StringComparer.Ordinal)
        {
            ["ffn_gate_exps.weight"] = "block_sparse_moe.experts.{0}.w1.weight",
            ["ffn_up_exps.weight"] = "block_sparse_moe.experts.{0}.w3.weight",
            ["ffn_down_exps.weight"] = "block_sparse_moe.experts.{0}.w2.weight",
        },
        ["qwen3_moe"] = new(StringComparer.Ordinal)
        {
            ["ffn_gate_exps.weight"] = "mlp.experts.{0}.gate_proj.weight",
            ["ffn_up_exps.weight"] = "mlp.experts.{0}.up_proj.weight",
            ["ffn_down_exps.weight"] = "mlp.experts.{0}.down_proj.weight",
        },
    };

    /// <summary>The Hugging Face name of expert <paramref name="expert"/>'s slice of a stacked expert tensor; null for other tensors.</summary>
    public static string? ToHfExpert(string canonical, string modelType, int expert)
    {
        var match = LayerName().Match(canonical);
        return match.Success && ExpertsByModelType.TryGetValue(modelType, out var names) && names.TryGetValue(match.Groups[2].Value, out var format)
            ? $"model.layers.{match.Groups[1].Value}." + string.Format(System.Globalization.CultureInfo.InvariantCulture, format, expert)
            : null;
    }

    /// <summary>
    /// The Hugging Face name for a canonical name in a checkpoint of <paramref name="modelType"/> (config.json's
    /// model_type), or null when there is none (e.g. rope_freqs).
    /// </summary>
    public static string? ToHf(string canonical, string modelType = "llama")
    {
        if (Global.TryGetValue(canonical, out var global))
        {
            return global;
        }
        var match = LayerName().Match(canonical);
        if (!match.Success)
        {
            return null;
        }
        var local = match.Groups[2].Value;
        return (ByModelType.TryGetValue(modelType, out var own) && own.TryGetValue(local, out var suffix)) || PerLayer.TryGetValue(local, out suffix)
            ? $"model.layers.{match.Groups[1].Value}.{suffix}"
            : null;
    }

    [GeneratedRegex(@"^blk\.(\d+)\.(.+)$")]
    private static partial Regex LayerName();
}
