using LlmServe.Rag.Retrieval;

namespace LlmServe.Rag.Tests.Retrieval;

public sealed class LexicalTokenizerTests
{
    [Theory]
    [InlineData("Paged KV-cache, 16 blocks!", new[] { "paged", "kv", "cache", "16", "blocks" })]
    [InlineData("top_k=4", new[] { "top", "k", "4" })]
    [InlineData("  ", new string[0])]
    [InlineData("Ünïcode ÉCOLE", new[] { "ünïcode", "école" })]
    public void Tokenize_Text_ReturnsLowercaseAlphanumericRuns(string text, string[] expected) =>
        Assert.Equal(expected, LexicalTokenizer.Tokenize(text));
}
