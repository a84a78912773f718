using Microsoft.Extensions.Options;

namespace LlmServe.Rag;

/// <summary>Rejects settings that would make the service fail later, at a request, rather than at startup.</summary>
internal sealed class RagOptionsValidator : IValidateOptions<RagOptions>
{
    public ValidateOptionsResult Validate(string? name, RagOptions options)
    {
        List<string> failures = [];
        if (!Uri.TryCreate(options.GatewayUrl, UriKind.Absolute, out var gateway)
            || (gateway.Scheme != Uri.UriSchemeHttp && gateway.Scheme != Uri.UriSchemeHttps))
        {
            failures.Add($"{nameof(RagOptions.GatewayUrl)} must be an absolute http(s) URL; got '{options.GatewayUrl}'.");
        }
        if (string.IsNullOrWhiteSpace(options.Model))
        {
            failures.Add($"{nameof(RagOptions.Model)} must not be empty.");
        }
        if (string.IsNullOrWhiteSpace(options.DocumentsPath))
        {
            failures.Add($"{nameof(RagOptions.DocumentsPath)} must not be empty.");
        }
        if (options.TopK is < 1 or > 20)
        {
            failures.Add($"{nameof(RagOptions.TopK)} must be between 1 and 20; got {options.TopK}.");
        }
        if (options.MaxTokens < 1)
        {
            failures.Add($"{nameof(RagOptions.MaxTokens)} must be at least 1; got {options.MaxTokens}.");
        }
        if (options.ChunkTokens < 1)
        {
            failures.Add($"{nameof(RagOptions.ChunkTokens)} must be at least 1; got {options.ChunkTokens}.");
        }
        if (options.ChunkOverlapTokens < 0 || options.ChunkOverlapTokens >= options.ChunkTokens)
        {
            failures.Add($"{nameof(RagOptions.ChunkOverlapTokens)} must be at least 0 and less than "
                + $"{nameof(RagOptions.ChunkTokens)}; got {options.ChunkOverlapTokens}.");
        }
        if (options.ChunkTokens > options.EmbeddingWindowTokens - Ingestion.ChunkTokenizer.SpecialTokens)
        {
            failures.Add($"{nameof(RagOptions.ChunkTokens)} must leave room for [CLS] and [SEP] in "
                + $"{nameof(RagOptions.EmbeddingWindowTokens)} ({options.EmbeddingWindowTokens}); got {options.ChunkTokens}.");
        }
        if (options.GenerationTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{nameof(RagOptions.GenerationTimeout)} must be positive; got {options.GenerationTimeout}.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
