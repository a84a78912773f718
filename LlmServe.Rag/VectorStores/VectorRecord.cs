namespace LlmServe.Rag.VectorStores;

/// <summary>One embedded chunk as a vector store keeps it.</summary>
/// <param name="Document">Id of the document the chunk belongs to; upserts and deletes work per document.</param>
/// <param name="Index">Position of the chunk within its document, from 0; with the document it forms the key.</param>
/// <param name="Title">Title of the document.</param>
/// <param name="Heading">Heading the chunk sits under, if any.</param>
/// <param name="Text">The chunk text.</param>
/// <param name="Metadata">String attributes the search can filter on (equality).</param>
/// <param name="Vector">The embedding, L2-normalised by the stores that search by cosine.</param>
internal sealed record VectorRecord(
    string Document,
    int Index,
    string Title,
    string? Heading,
    string Text,
    IReadOnlyDictionary<string, string> Metadata,
    float[] Vector)
{
    /// <summary>The record's key in every store: unique within a collection.</summary>
    public string Key => $"{Document}#{Index}";
}
