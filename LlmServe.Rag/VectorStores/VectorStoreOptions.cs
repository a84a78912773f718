using LlmServe.Rag.VectorStores.Milvus;

namespace LlmServe.Rag.VectorStores;

/// <summary>Which vector store the service uses and how to reach it; the <c>Rag:VectorStore</c> section.</summary>
internal sealed class VectorStoreOptions
{
    public const string SectionName = "Rag:VectorStore";

    /// <summary><c>embedded</c> (default), <c>pgvector</c> or <c>milvus</c>.</summary>
    public string Provider { get; set; } = "embedded";

    /// <summary>Folder of the embedded store; a relative path resolves against the app base directory.</summary>
    public string DataPath { get; set; } = "data/vectors";

    public HnswOptions Hnsw { get; set; } = new();

    /// <summary>Npgsql connection string, for <c>pgvector</c>.</summary>
    public string? PostgresConnectionString { get; set; }

    public MilvusOptions Milvus { get; set; } = new();

    public string ResolveDataPath() =>
        Path.IsPathRooted(DataPath) ? DataPath : Path.GetFullPath(DataPath, AppContext.BaseDirectory);
}
