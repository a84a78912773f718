namespace LlmServe.Rag;

/// <summary>Settings of the RAG service, bound from the <c>Rag</c> configuration section.</summary>
internal sealed class RagOptions
{
    public const string SectionName = "Rag";

    /// <summary>Base URL of the OpenAI-compatible gateway; service discovery resolves logical names.</summary>
    public string GatewayUrl { get; set; } = "http://gateway";

    /// <summary>Bearer key sent to the gateway, for a gateway that enforces keys; null sends no Authorization header.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Model used for answers when a request names none.</summary>
    public string Model { get; set; } = "default";

    /// <summary>Folder of *.md and *.txt files to ingest; a relative path resolves against the app base directory.</summary>
    public string DocumentsPath { get; set; } = "SampleDocs";

    /// <summary>Sources put into the prompt when a request gives no <c>top_k</c>.</summary>
    public int TopK { get; set; } = 4;

    /// <summary>Answer length when a request gives no <c>max_tokens</c>.</summary>
    public int MaxTokens { get; set; } = 96;

    /// <summary>Upper bound of a chunk, in tokens of the embedding model (lowered where the embedded title needs room).</summary>
    public int ChunkTokens { get; set; } = 128;

    /// <summary>Tokens repeated from the end of one chunk at the start of the next, so no sentence is lost at a cut.</summary>
    public int ChunkOverlapTokens { get; set; } = 24;

    /// <summary>The embedding model's input window, [CLS] and [SEP] included (all-MiniLM-L6-v2: 256).</summary>
    public int EmbeddingWindowTokens { get; set; } = 256;

    /// <summary>
    /// WordPiece vocab.txt of the embedding model chunks are sized for; null uses all-MiniLM-L6-v2's, the
    /// vocabulary of the default embedding deployment.
    /// </summary>
    public string? EmbeddingVocabularyPath { get; set; }

    /// <summary>Bound on one chat completion call to the gateway.</summary>
    public TimeSpan GenerationTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Embedding model (a gateway model name) of collections created without one.</summary>
    public string EmbeddingModel { get; set; } = "minilm";

    /// <summary>Inputs per embeddings request during ingestion.</summary>
    public int EmbeddingBatchSize { get; set; } = 32;

    /// <summary>Largest document upload accepted; larger ones get 413.</summary>
    public long MaxUploadBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>
    /// Folder under which <c>POST /v1/rag/collections/{name}/ingest</c> may read server-side folders; null turns that
    /// endpoint off (uploads still work), so a caller cannot make the service read arbitrary paths.
    /// </summary>
    public string? IngestRoot { get; set; }

    /// <summary>The ingest root as an absolute path (relative to the app base directory), or null when folder ingestion is off.</summary>
    public string? ResolveIngestRoot() => string.IsNullOrEmpty(IngestRoot)
        ? null
        : Path.IsPathRooted(IngestRoot) ? IngestRoot : Path.GetFullPath(IngestRoot, AppContext.BaseDirectory);

    /// <summary>The documents folder as an absolute path.</summary>
    public string ResolveDocumentsPath() =>
        Path.IsPathRooted(DocumentsPath) ? DocumentsPath : Path.GetFullPath(DocumentsPath, AppContext.BaseDirectory);
}
