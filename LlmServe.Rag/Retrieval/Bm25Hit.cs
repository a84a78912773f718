namespace LlmServe.Rag.Retrieval;

/// <summary>A scored document of a <see cref="Bm25Index"/> search: its position in the corpus and its score.</summary>
internal readonly record struct Bm25Hit(int Document, double Score);
