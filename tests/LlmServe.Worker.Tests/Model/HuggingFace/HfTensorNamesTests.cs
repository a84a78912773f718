using LlmServe.Worker.Model.HuggingFace;

namespace LlmServe.Worker.Tests.Model.HuggingFace;

public sealed class HfTensorNamesTests
{
    [Theory]
    [InlineData("token_embd.weight", "model.embed_tokens.weight")]
    [InlineData("output.weight", "lm_head.weight")]
    [InlineData("blk.0.attn_q.weight", "model.layers.0.self_attn.q_proj.weight")]
    [InlineData("blk.11.attn_k.bias", "model.layers.11.self_attn.k_proj.bias")]
    [InlineData("blk.3.attn_q_norm.weight", "model.layers.3.self_attn.q_norm.weight")]
    [InlineData("blk.2.ffn_down.weight", "model.layers.2.mlp.down_proj.weight")]
    [InlineData("blk.2.ffn_norm.weight", "model.layers.2.post_attention_layernorm.weight")]
    public void ToHf_MapsCanonicalNames(string canonical, string hf)
    {
        Assert.Equal(hf, HfTensorNames.ToHf(canonical));
    }

    [Fact]
    public void ToHf_GgufOnlyTensor_IsNull()
    {
        Assert.Null(HfTensorNames.ToHf("rope_freqs.weight"));
    }

    [Theory]
    [InlineData("blk.1.attn_qkv.weight", "model.layers.1.self_attn.qkv_proj.weight")]
    [InlineData("blk.1.ffn_up.weight", "model.layers.1.mlp.gate_up_proj.weight")]
    public void ToHf_Phi3_NamesItsFusedMatrices(string canonical, string hf)
    {
        Assert.Equal(hf, HfTensorNames.ToHf(canonical, "phi3"));
        Assert.NotEqual(hf, HfTensorNames.ToHf(canonical, "llama") ?? "");
    }
}
