using LlmServe.Worker.Model.HuggingFace;
using LlmServe.Worker.Model.Llama;

namespace LlmServe.Worker.Tests.Model.HuggingFace;

public sealed class HfConfigReaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("llmserve-hfconfig-").FullName;

    private LlamaConfig Read(string ropeScaling, int maxPositions = 32768) => ReadConfig($$"""
        {"model_type": "qwen2", "vocab_size": 512, "hidden_size": 64, "intermediate_size": 128,
         "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2, "rope_theta": 1000000,
         "max_position_embeddings": {{maxPositions}}, "rope_scaling": {{ropeScaling}}}
        """);

    /// <summary>A config of <paramref name="type"/> with 8 layers of 4 heads of 16, plus <paramref name="extra"/> keys.</summary>
    private LlamaConfig Read(string type, string extra) => ReadConfig($$"""
        {"model_type": "{{type}}", "vocab_size": 512, "hidden_size": 64, "intermediate_size": 128,
         "num_hidden_layers": 8, "num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 16,
         "max_position_embeddings": 32768 {{extra}}}
        """);

    private LlamaConfig ReadConfig(string json)
    {
        var path = Path.Combine(_dir, "config.json");
        File.WriteAllText(path, json);
        return HfConfigReader.Read(path);
    }

    [Fact]
    public void Gemma3_DefaultPattern_EverySixthLayerGlobal_WithTheLocalBase()
    {
        var config = Read("gemma3_text", """, "sliding_window": 512, "query_pre_attn_scalar": 256""");

        Assert.Equal([true, true, true, true, true, false, true, true], config.SlidingLayers);
        Assert.Equal(512, config.SlidingWindow);
        Assert.Equal(10000, config.LocalRopeTheta);
        Assert.True(config.UsesLocalRope(0));
        Assert.False(config.UsesLocalRope(5));
        Assert.Equal(1.0 / 16, config.AttentionScale);
        Assert.True(config.TieWordEmbeddings && config.QkNorm && config.NormWeightOffset);
        Assert.Equal(FeedForwardActivation.GeluTanh, config.Activation);
        Assert.Equal(8, config.EmbeddingScale);
    }

    [Fact]
    public void LayerTypes_WhenGiven_DecideWhichLayersSlide()
    {
        var types = "\"full_attention\", \"sliding_attention\", " + string.Join(", ", Enumerable.Repeat("\"full_attention\"", 5)) + ", \"sliding_attention\"";
        var config = Read("gemma2", $$""", "sliding_window": 4096, "layer_types": [{{types}}]""");

        Assert.Equal([false, true, false, false, false, false, false, true], config.SlidingLayers);
        Assert.Null(config.LocalRopeTheta);
        Assert.False(config.UsesLocalRope(1));
    }

    [Fact]
    public void Gemma2_SoftcapsAndEvenSlidingLayers()
    {
        var config = Read("gemma2", """, "sliding_window": 4096, "attn_logit_softcapping": 50.0, "final_logit_softcapping": 30.0""");

        Assert.Equal(50, config.AttentionLogitSoftcap);
        Assert.Equal(30, config.FinalLogitSoftcap);
        Assert.Equal(Enumerable.Range(0, 8).Select(i => i % 2 == 0), config.SlidingLayers!);
        Assert.Equal(new AttentionOptions(1.0 / 16, 50, 4096), config.AttentionFor(0));
        Assert.Equal(new AttentionOptions(1.0 / 16, 50, null), config.AttentionFor(1));
    }

    [Theory]
    [InlineData("mistral", """, "sliding_window": 4096""", 4096, 0)]
    [InlineData("mistral", """, "sliding_window": null""", null, 0)]
    [InlineData("qwen2", """, "sliding_window": 4096, "use_sliding_window": false""", null, 0)]
    [InlineData("qwen2", """, "sliding_window": 4096, "use_sliding_window": true, "max_window_layers": 6""", 4096, 6)]
    [InlineData("phi3", """, "sliding_window": 262144""", null, 0)]   // as long as the context: no window
    public void SlidingWindow_AsTransformersAppliesIt(string type, string extra, int? window, int firstSliding)
    {
        var config = Read(type, extra);

        Assert.Equal(window, config.SlidingWindow);
        Assert.Equal(Enumerable.Range(0, 8).Select(i => window is not null && i >= firstSliding), Enumerable.Range(0, 8).Select(config.IsSliding));
    }

    [Fact]
    public void Yarn_AsQwenDocumentsIt_ExtendsTheContextByTheFactor()
    {
        var config = Read("""{"factor": 4.0, "original_max_position_embeddings": 32768, "rope_type": "yarn"}""");

        Assert.Equal(new YarnRopeScaling(4, 32768), config.RopeScaling);
        Assert.Equal(131072, config.MaxPositionEmbeddings);
    }

    [Fact]
    public void Yarn_MscaleRatio_GivesTheAttentionFactor()
    {
        var config = Read("""{"type": "yarn", "factor": 40, "original_max_position_embeddings": 4096, "mscale": 1.0, "mscale_all_dim": 0.5, "beta_fast": 16}""");

        var yarn = Assert.IsType<YarnRopeScaling>(config.RopeScaling);
        Assert.Equal((0.1 * Math.Log(40) + 1) / (0.05 * Math.Log(40) + 1), yarn.Magnitude, 12);
        Assert.Equal(16, yarn.BetaFast);
    }

    [Fact]
    public void Linear_LegacyTypeKey_ScalesTheContext()
    {
        var config = Read("""{"type": "linear", "factor": 2.0}""", maxPositions: 4096);

        Assert.Equal(new LinearRopeScaling(2), config.RopeScaling);
        Assert.Equal(8192, config.MaxPositionEmbeddings);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("""{"rope_type": "default"}""")]
    public void NoScaling_KeepsTheCheckpointsContext(string ropeScaling)
    {
        var config = Read(ropeScaling);

        Assert.Null(config.RopeScaling);
        Assert.Equal(32768, config.MaxPositionEmbeddings);
    }

    /// <summary>Phi-3.5-mini's layout: the factor lists in rope_scaling, the original context at the top level.</summary>
    [Fact]
    public void LongRope_Phi3Layout_FactorsOriginalAndDefaultAttentionFactor()
    {
        var factors = string.Join(", ", Enumerable.Repeat("1.0", 8));
        var config = ReadConfig($$$"""
            {"model_type": "phi3", "vocab_size": 512, "hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 2,
             "num_attention_heads": 4, "max_position_embeddings": 131072, "original_max_position_embeddings": 4096,
             "rope_scaling": {"type": "longrope", "short_factor": [{{{factors}}}], "long_factor": [{{{factors}}}]}}
            """);

        var longRope = Assert.IsType<LongRopeScaling>(config.RopeScaling);
        Assert.Equal(4096, longRope.OriginalMaxPositionEmbeddings);
        Assert.Equal(Math.Sqrt(1 + Math.Log(32) / Math.Log(4096)), longRope.AttentionFactor, 12);
        Assert.Equal(131072, config.MaxPositionEmbeddings);
        Assert.True(((LongRopeScaling)config.ForServedContext(0).RopeScaling!).UseLong);
        Assert.False(((LongRopeScaling)config.ForServedContext(4096).RopeScaling!).UseLong);
        Assert.True(((LongRopeScaling)config.ForServedContext(4097).RopeScaling!).UseLong);
    }

    [Fact]
    public void LongRope_WithoutFactorLists_IsAClearLoadError()
    {
        var error = Assert.Throws<InvalidDataException>(() => Read("phi3", """, "rope_scaling": {"type": "su"}"""));

        Assert.Contains("short_factor", error.Message);
    }

    [Fact]
    public void Qwen3Moe_ExpertWidthCountTopKAndNormalisation()
    {
        var config = Read("qwen3_moe", """, "num_experts": 128, "num_experts_per_tok": 8, "moe_intermediate_size": 768, "norm_topk_prob": true""");

        Assert.Equal((128, 8, 768, true, true), (config.NumExperts, config.ExpertsPerToken, config.IntermediateSize, config.NormalizeTopKExperts, config.QkNorm));
        Assert.False(config.IsPlainLlama);
    }

    [Fact]
    public void Mixtral_LocalExpertsAlwaysRenormalised()
    {
        var config = Read("mixtral", """, "num_local_experts": 8, "num_experts_per_tok": 2""");

        Assert.Equal((8, 2, 128, true), (config.NumExperts, config.ExpertsPerToken, config.IntermediateSize, config.NormalizeTopKExperts));
    }

    [Fact]
    public void Qwen3MoeWithDenseLayers_IsAClearLoadError()
    {
        var error = Assert.Throws<NotSupportedException>(() =>
            Read("qwen3_moe", """, "num_experts": 4, "num_experts_per_tok": 2, "moe_intermediate_size": 64, "mlp_only_layers": [0]"""));

        Assert.Contains("mlp_only_layers", error.Message);
    }

    [Fact]
    public void UnknownType_IsAClearLoadError()
    {
        var error = Assert.Throws<NotSupportedException>(() => Read("""{"rope_type": "dynamic", "factor": 2.0}"""));

        Assert.Contains("'dynamic' is not supported", error.Message);
    }

    [Fact]
    public void MissingFactor_IsAClearLoadError()
    {
        var error = Assert.Throws<InvalidDataException>(() => Read("""{"rope_type": "linear"}"""));

        Assert.Contains("factor", error.Message);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
