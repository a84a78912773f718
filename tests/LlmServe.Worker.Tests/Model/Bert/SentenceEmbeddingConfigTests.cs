using LlmServe.Worker.Model.Bert;

namespace LlmServe.Worker.Tests.Model.Bert;

public sealed class SentenceEmbeddingConfigTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("llmserve-st-").FullName;

    [Fact]
    public void Load_PlainBertFolder_DefaultsToMeanThenNormalize()
    {
        Assert.Equal(new SentenceEmbeddingConfig(PoolingMode.Mean, Normalize: true), SentenceEmbeddingConfig.Load(_folder));
    }

    [Fact]
    public void Load_ModulesWithClsPoolingAndNoNormalize_ReadsBoth()
    {
        Write("modules.json", """
            [{"idx":0,"name":"0","path":"","type":"sentence_transformers.models.Transformer"},
             {"idx":1,"name":"1","path":"1_Pooling","type":"sentence_transformers.models.Pooling"}]
            """);
        Write("1_Pooling/config.json", """{"word_embedding_dimension":8,"pooling_mode_cls_token":true,"pooling_mode_mean_tokens":false}""");

        Assert.Equal(new SentenceEmbeddingConfig(PoolingMode.Cls, Normalize: false), SentenceEmbeddingConfig.Load(_folder));
    }

    [Fact]
    public void Load_ModulesWithNamedMeanPoolingAndNormalize_ReadsBoth()
    {
        Write("modules.json", """
            [{"idx":0,"name":"0","path":"","type":"sentence_transformers.models.Transformer"},
             {"idx":1,"name":"1","path":"pool","type":"sentence_transformers.models.Pooling"},
             {"idx":2,"name":"2","path":"2_Normalize","type":"sentence_transformers.models.Normalize"}]
            """);
        Write("pool/config.json", """{"pooling_mode":"mean"}""");

        Assert.Equal(new SentenceEmbeddingConfig(PoolingMode.Mean, Normalize: true), SentenceEmbeddingConfig.Load(_folder));
    }

    [Theory]
    [InlineData("""{"pooling_mode_max_tokens":true}""")]
    [InlineData("""{"pooling_mode_mean_tokens":true,"pooling_mode_cls_token":true}""")]
    [InlineData("""{"pooling_mode":"lasttoken"}""")]
    public void Load_UnsupportedPooling_Throws(string pooling)
    {
        Write("1_Pooling/config.json", pooling);

        var ex = Assert.Throws<NotSupportedException>(() => SentenceEmbeddingConfig.Load(_folder));
        Assert.Contains("config.json", ex.Message);
    }

    private void Write(string relative, string content)
    {
        var path = Path.Combine(_folder, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
