using LlmServe.Rag.Generation;
using LlmServe.Rag.Ingestion;
using LlmServe.Rag.Retrieval;

namespace LlmServe.Rag.Tests.Generation;

public sealed class PromptBuilderTests
{
    [Fact]
    public void Build_TwoSources_NumbersThemInOrderBeforeTheQuestion()
    {
        RetrievedChunk[] sources =
        [
            new(new DocumentChunk("kv.md", "Paged KV cache", 2, "Block tables", "Tables map blocks."), 3.5),
            new(new DocumentChunk("api.md", "OpenAI APIs", 0, "OpenAI APIs", "Servers speak OpenAI."), 1.25),
        ];

        var messages = PromptBuilder.Build("What maps blocks?", sources);

        Assert.Equal(2, messages.Count);
        Assert.Equal(new ChatMessage("system", PromptBuilder.SystemInstruction), messages[0]);
        Assert.Equal("user", messages[1].Role);
        Assert.Equal(
            "Sources:\n"
            + "[1] Paged KV cache > Block tables: Tables map blocks.\n"
            + "[2] OpenAI APIs: Servers speak OpenAI.\n"
            + "\nQuestion: What maps blocks?\nAnswer, citing sources as [n]:",
            messages[1].Content);
    }

    [Fact]
    public void Build_NoSources_SaysSo()
    {
        var messages = PromptBuilder.Build("Anything?", []);

        Assert.StartsWith("Sources:\n(no matching sources)\n", messages[1].Content, StringComparison.Ordinal);
    }

    [Fact]
    public void SystemInstruction_AsksForNumberedCitations()
    {
        Assert.Contains("[n]", PromptBuilder.SystemInstruction, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Doc", null, "Doc")]
    [InlineData("Doc", "", "Doc")]
    [InlineData("Doc", "Doc", "Doc")]
    [InlineData("Doc", "Part", "Doc > Part")]
    public void SourceTitle_TitleAndHeading_AddsHeadingOnlyWhenDistinct(string title, string? heading, string expected) =>
        Assert.Equal(expected, PromptBuilder.SourceTitle(title, heading));
}
