namespace LlmServe.Rag.VectorStores;

/// <summary>HNSW graph settings of the embedded store and pgvector (USearch's names: connectivity = M, expansion = ef).</summary>
internal sealed class HnswOptions
{
    /// <summary>Neighbours per node (M): more raises recall and memory.</summary>
    public int Connectivity { get; set; } = 16;

    /// <summary>Candidate list while inserting (ef_construction): a better graph for slower inserts.</summary>
    public int ExpansionAdd { get; set; } = 128;

    /// <summary>Candidate list while searching (ef_search): recall against query time.</summary>
    public int ExpansionSearch { get; set; } = 64;
}
