namespace LlmServe.Rag.Retrieval;

/// <summary>Finds the chunks most relevant to a question. Lexical today; embeddings plus a vector store later.</summary>
internal interface IRetriever
{
    /// <summary>At most <paramref name="topK"/> chunks, most relevant first; empty when nothing matches.</summary>
    Task<IReadOnlyList<RetrievedChunk>> RetrieveAsync(string question, int topK, CancellationToken cancellationToken);
}
