namespace LlmServe.Rag.VectorStores;

/// <summary>A search result: the record and its cosine similarity to the query (1 is identical).</summary>
internal sealed record VectorHit(VectorRecord Record, double Score);
