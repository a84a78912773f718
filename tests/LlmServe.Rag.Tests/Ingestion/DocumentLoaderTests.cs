using LlmServe.Rag.Ingestion;
using LlmServe.Rag.Tests.Infrastructure;

namespace LlmServe.Rag.Tests.Ingestion;

public sealed class DocumentLoaderTests
{
    [Theory]
    [InlineData("notes.md", "Intro\n\n# The Title\n\n## Sub", "The Title")]
    [InlineData("notes.md", "## Only a subheading", "notes")]
    [InlineData("dir/readme.txt", "# Not markdown", "readme")]
    public void TitleOf_Document_ReturnsFirstH1OrFileName(string name, string text, string expected) =>
        Assert.Equal(expected, DocumentLoader.TitleOf(name, text));

    [Fact]
    public void FindFiles_SampleDocs_ReturnsTheFiveMarkdownFilesInOrder()
    {
        var files = DocumentLoader.FindFiles(SampleDocs.Folder);

        Assert.Equal(
            ["autoscaling.md", "kubernetes-gpu-nodes.md", "openai-compatible-api.md", "paged-kv-cache.md", "tinystories.md"],
            files.Select(Path.GetFileName));
    }
}
