using LlmServe.Rag.Ingestion;

namespace LlmServe.Rag.Retrieval;

/// <summary>A chunk found for a question, with its relevance score (higher is better; scale depends on the store).</summary>
internal sealed record RetrievedChunk(DocumentChunk Chunk, double Score);
