namespace LlmServe.Rag.Tests;

public sealed class RagOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeeds()
    {
        Assert.True(new RagOptionsValidator().Validate(null, new RagOptions()).Succeeded);
    }

    [Theory]
    [InlineData(nameof(RagOptions.GatewayUrl))]
    [InlineData(nameof(RagOptions.Model))]
    [InlineData(nameof(RagOptions.TopK))]
    [InlineData(nameof(RagOptions.MaxTokens))]
    [InlineData(nameof(RagOptions.ChunkOverlapTokens))]
    [InlineData(nameof(RagOptions.ChunkTokens))]
    [InlineData(nameof(RagOptions.GenerationTimeout))]
    public void Validate_BadSetting_FailsNamingIt(string setting)
    {
        var options = new RagOptions();
        switch (setting)
        {
            case nameof(RagOptions.GatewayUrl): options.GatewayUrl = "gateway"; break;
            case nameof(RagOptions.Model): options.Model = " "; break;
            case nameof(RagOptions.TopK): options.TopK = 0; break;
            case nameof(RagOptions.MaxTokens): options.MaxTokens = 0; break;
            case nameof(RagOptions.ChunkOverlapTokens): options.ChunkOverlapTokens = options.ChunkTokens; break;
            // 255 content tokens + [CLS] + [SEP] overflow MiniLM's 256-token window.
            case nameof(RagOptions.ChunkTokens): options.ChunkTokens = 255; break;
            case nameof(RagOptions.GenerationTimeout): options.GenerationTimeout = TimeSpan.Zero; break;
        }

        var result = new RagOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.StartsWith(setting, Assert.Single(result.Failures ?? []), StringComparison.Ordinal);
    }

    [Fact]
    public void ResolveDocumentsPath_RelativePath_ResolvesAgainstAppBaseDirectory()
    {
        var options = new RagOptions { DocumentsPath = "SampleDocs" };

        Assert.Equal(Path.Combine(AppContext.BaseDirectory, "SampleDocs"), options.ResolveDocumentsPath());
    }
}
