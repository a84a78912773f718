using LlmServe.Rag.Ingestion;
using LlmServe.Rag.Retrieval;

namespace LlmServe.Rag.Tests.Infrastructure;

/// <summary>The documents shipped with the service (copied next to the test assembly), indexed as the service does.</summary>
internal static class SampleDocs
{
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "SampleDocs");

    public static async Task<InMemoryLexicalStore> IndexAsync(CancellationToken cancellationToken)
    {
        var options = new RagOptions();
        var store = new InMemoryLexicalStore();
        var tokenizer = ChunkTokenizer.Create(Microsoft.Extensions.Options.Options.Create(options));
        foreach (var file in DocumentLoader.FindFiles(Folder))
        {
            var document = await DocumentLoader.LoadAsync(Folder, file, cancellationToken);
            var chunks = tokenizer.Chunk(document.Text, document.Title, options.ChunkTokens, options.ChunkOverlapTokens)
                .Select(c => new DocumentChunk(document.Name, document.Title, c.Index, c.Heading, c.Text))
                .ToList();
            await store.UpsertAsync(document.Name, chunks, cancellationToken);
        }
        return store;
    }
}
