using LlmServe.Worker.Model.HuggingFace;
using LlmServe.Worker.Model.Llama;

namespace LlmServe.Worker.Tests.Model.HuggingFace;

public sealed class HfConfigReaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("llmserve-hfconfig-").FullName;

    private LlamaConfig Read(string ropeScaling, int maxPositions = 32768)
    {
        var path = Path.Combine(_dir, "config.json");
        File.WriteAllText(path, $$"""
            {"model_type": "qwen2", "vocab_size": 512, "hidden_size": 64, "intermediate_size": 128,
             "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2, "rope_theta": 1000000,
             "max_position_embeddings": {{maxPositions}}, "rope_scaling": {{ropeScaling}}}
            """);
        return HfConfigReader.Read(path);
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
