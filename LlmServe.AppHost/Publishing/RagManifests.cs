using k8s.Models;

namespace LlmServe.AppHost.Publishing;

/// <summary>The Rag service's cluster configuration: the keys Rag reads, with Milvus as its vector store.</summary>
internal static class RagManifests
{
    /// <summary>The key Rag binds to <c>Rag:VectorStore:Milvus:Token</c>.</summary>
    public const string MilvusTokenVariable = "Rag__VectorStore__Milvus__Token";

    /// <summary>The key in the Milvus token Secret.</summary>
    public const string MilvusTokenKey = "token";

    public static SortedDictionary<string, string> Configuration(TopologyOptions topology, PublishOptions options)
    {
        var rag = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["Rag__GatewayUrl"] = $"http://{ResourceNames.Gateway}",
            ["Rag__Model"] = topology.DefaultModel,
            // Folder ingestion reads under the image's own documents folder only, as in a local run.
            ["Rag__IngestRoot"] = "SampleDocs",
            ["Rag__VectorStore__Provider"] = "Milvus",
            ["Rag__VectorStore__Milvus__Endpoint"] = MilvusManifests.Endpoint(options.Milvus),
        };
        if (topology.Embedding is { } embedding)
        {
            // Collections created without a model embed with the deployment the gateway routes to the embedding worker.
            rag["Rag__EmbeddingModel"] = embedding.Name;
        }
        return rag;
    }

    /// <summary>
    /// The token comes from a Secret the operator creates; the manifests only name it. The in-namespace standalone
    /// Milvus runs without authentication, so there the Secret may be absent; an external endpoint needs it.
    /// </summary>
    public static V1EnvVar MilvusToken(MilvusOptions milvus) => new()
    {
        Name = MilvusTokenVariable,
        ValueFrom = new V1EnvVarSource
        {
            SecretKeyRef = new V1SecretKeySelector { Name = milvus.TokenSecret, Key = MilvusTokenKey, Optional = !milvus.IsExternal },
        },
    };
}
