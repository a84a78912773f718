namespace LlmServe.Checkpoints.Random;

/// <summary>
/// The tensors of a seeded random-weight checkpoint and their values. Values are a pure function of
/// (spec, tensor name), so every writer and every test regenerates the same numbers.
/// </summary>
public static class RandomCheckpoint
{
    /// <summary>The tensors in Hugging Face order (embedding, layers, final norm, LM head unless tied).</summary>
    public static IReadOnlyList<PlannedTensor> Plan(RandomCheckpointSpec spec)
    {
        spec.Validate();
        var traits = spec.Traits;
        long d = spec.HiddenSize, q = (long)spec.Heads * spec.EffectiveHeadDim, kv = (long)spec.KvHeads * spec.EffectiveHeadDim;
        long ffn = spec.IntermediateSize, dh = spec.EffectiveHeadDim, v = spec.VocabSize;
        int? qHeads = traits.PermuteQk ? spec.Heads : null;
        int? kHeads = traits.PermuteQk ? spec.KvHeads : null;
        var norm = traits.Gemma ? TensorRole.OffsetNorm : TensorRole.Norm;
        var plan = new List<PlannedTensor> { new("model.embed_tokens.weight", "token_embd.weight", [v, d], TensorRole.Matrix) };
        for (var i = 0; i < spec.Layers; i++)
        {
            var hf = $"model.layers.{i}.";
            var gg = $"blk.{i}.";
            plan.Add(new(hf + "input_layernorm.weight", gg + "attn_norm.weight", [d], norm));
            if (traits.FusedProjections)
            {
                plan.Add(new(hf + "self_attn.qkv_proj.weight", gg + "attn_qkv.weight", [q + 2 * kv, d], TensorRole.Matrix));
            }
            else
            {
                plan.Add(new(hf + "self_attn.q_proj.weight", gg + "attn_q.weight", [q, d], TensorRole.Matrix, qHeads));
                plan.Add(new(hf + "self_attn.k_proj.weight", gg + "attn_k.weight", [kv, d], TensorRole.Matrix, kHeads));
                plan.Add(new(hf + "self_attn.v_proj.weight", gg + "attn_v.weight", [kv, d], TensorRole.Matrix));
            }
            if (traits.AttentionBias)
            {
                plan.Add(new(hf + "self_attn.q_proj.bias", gg + "attn_q.bias", [q], TensorRole.Bias, qHeads));
                plan.Add(new(hf + "self_attn.k_proj.bias", gg + "attn_k.bias", [kv], TensorRole.Bias, kHeads));
                plan.Add(new(hf + "self_attn.v_proj.bias", gg + "attn_v.bias", [kv], TensorRole.Bias));
            }
            plan.Add(new(hf + "self_attn.o_proj.weight", gg + "attn_output.weight", [d, q], TensorRole.Matrix));
            if (traits.QkNorm)
            {
                plan.Add(new(hf + "self_attn.q_norm.weight", gg + "attn_q_norm.weight", [dh], norm));
                plan.Add(new(hf + "self_attn.k_norm.weight", gg + "attn_k_norm.weight", [dh], norm));
            }
            if (traits.SandwichNorms)
            {
                plan.Add(new(hf + "post_attention_layernorm.weight", gg + "post_attention_norm.weight", [d], norm));
                plan.Add(new(hf + "pre_feedforward_layernorm.weight", gg + "ffn_norm.weight", [d], norm));
            }
            else
            {
                plan.Add(new(hf + "post_attention_layernorm.weight", gg + "ffn_norm.weight", [d], norm));
            }
            if (traits.Experts)
            {
                AddExperts(plan, spec, hf, gg);
            }
            else if (traits.FusedProjections)
            {
                // Gate rows first, then up, in both formats (llama.cpp's SwiGLU splits phi3's ffn_up in halves).
                plan.Add(new(hf + "mlp.gate_up_proj.weight", gg + "ffn_up.weight", [2 * ffn, d], TensorRole.Matrix));
            }
            else
            {
                plan.Add(new(hf + "mlp.gate_proj.weight", gg + "ffn_gate.weight", [ffn, d], TensorRole.Matrix));
                plan.Add(new(hf + "mlp.up_proj.weight", gg + "ffn_up.weight", [ffn, d], TensorRole.Matrix));
            }
            if (!traits.Experts)
            {
                plan.Add(new(hf + "mlp.down_proj.weight", gg + "ffn_down.weight", [d, ffn], TensorRole.Matrix));
            }
            if (traits.SandwichNorms)
            {
                plan.Add(new(hf + "post_feedforward_layernorm.weight", gg + "post_ffw_norm.weight", [d], norm));
            }
        }
        plan.Add(new("model.norm.weight", "output_norm.weight", [d], norm));
        if (!spec.EffectiveTieWordEmbeddings)
        {
            plan.Add(new("lm_head.weight", "output.weight", [v, d], TensorRole.Matrix));
        }
        return plan;
    }

    /// <summary>A mixture of experts' router and per-expert matrices, under each family's Hugging Face names.</summary>
    private static void AddExperts(List<PlannedTensor> plan, RandomCheckpointSpec spec, string hf, string gg)
    {
        long d = spec.HiddenSize, ffn = spec.IntermediateSize;
        var mixtral = spec.Architecture == CheckpointArchitecture.Mixtral;
        var block = mixtral ? hf + "block_sparse_moe." : hf + "mlp.";
        plan.Add(new(block + "gate.weight", gg + "ffn_gate_inp.weight", [spec.Experts, d], TensorRole.Matrix));
        var (gate, up, down) = mixtral ? ("w1", "w3", "w2") : ("gate_proj", "up_proj", "down_proj");
        for (var e = 0; e < spec.Experts; e++)
        {
            plan.Add(new($"{block}experts.{e}.{gate}.weight", gg + "ffn_gate_exps.weight", [ffn, d], TensorRole.Matrix, Expert: e));
            plan.Add(new($"{block}experts.{e}.{up}.weight", gg + "ffn_up_exps.weight", [ffn, d], TensorRole.Matrix, Expert: e));
            plan.Add(new($"{block}experts.{e}.{down}.weight", gg + "ffn_down_exps.weight", [d, ffn], TensorRole.Matrix, Expert: e));
        }
    }

    /// <summary>The tensor's values in Hugging Face layout, already rounded to the spec's dtype.</summary>
    public static float[] Values(RandomCheckpointSpec spec, PlannedTensor tensor)
    {
        var values = new float[tensor.ElementCount];
        var normal = new SeededNormal(spec.Seed, tensor.HfName);
        switch (tensor.Role)
        {
            case TensorRole.Norm:
                normal.Fill(values, 1.0, 0.1);
                break;
            case TensorRole.OffsetNorm:
                normal.Fill(values, 0.0, 0.1);
                break;
            case TensorRole.Bias:
                normal.Fill(values, 0.0, 5 * spec.InitStd);
                break;
            default:
                normal.Fill(values, 0.0, spec.InitStd);
                break;
        }
        TensorEncoding.RoundTo(values, spec.DType);
        return values;
    }

    /// <summary>
    /// The tensor's values as GGUF stores them: q/k rows permuted when the architecture needs it, Gemma's norms as
    /// 1 + w (added in float32 to the dtype-rounded w, as the converter does).
    /// </summary>
    public static float[] GgufValues(RandomCheckpointSpec spec, PlannedTensor tensor)
    {
        var values = Values(spec, tensor);
        if (tensor.Role == TensorRole.OffsetNorm)
        {
            for (var i = 0; i < values.Length; i++)
            {
                values[i] += 1f;
            }
        }
        if (tensor.PermuteHeads is not int heads)
        {
            return values;
        }
        var columns = tensor.Shape.Length == 2 ? (int)tensor.Shape[1] : 1;
        return QkPermutation.ToGguf(values, heads, columns);
    }
}
