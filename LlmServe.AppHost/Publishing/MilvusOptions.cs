namespace LlmServe.AppHost.Publishing;

/// <summary>The RAG service's vector store in a cluster: an external Milvus endpoint, or a Milvus StatefulSet we emit.</summary>
internal sealed class MilvusOptions
{
    /// <summary>External (use <see cref="Endpoint"/>) or StatefulSet (standalone Milvus in the namespace).</summary>
    public string Mode { get; set; } = "StatefulSet";

    public string Endpoint { get; set; } = "";
    public string Image { get; set; } = "milvusdb/milvus:v2.5.4";
    public string StorageSize { get; set; } = "50Gi";

    /// <summary>Secret (by name) with the Milvus token, when the endpoint needs one.</summary>
    public string TokenSecret { get; set; } = "llmserve-milvus";

    public bool IsExternal => Mode.Equals("External", StringComparison.OrdinalIgnoreCase);
}
