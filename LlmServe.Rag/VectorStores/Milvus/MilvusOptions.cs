namespace LlmServe.Rag.VectorStores.Milvus;

/// <summary>Where Milvus is and how to authenticate; the Kubernetes publish ConfigMap sets these as <c>Rag__VectorStore__Milvus__*</c>.</summary>
internal sealed class MilvusOptions
{
    /// <summary>Base URL of Milvus's REST API (the proxy port), e.g. <c>http://milvus:19530</c>.</summary>
    public string Endpoint { get; set; } = "http://localhost:19530";

    /// <summary>Sent as a bearer token: <c>user:password</c> or an API key; null sends none.</summary>
    public string? Token { get; set; }

    /// <summary>Database holding the collections.</summary>
    public string DbName { get; set; } = "default";
}
