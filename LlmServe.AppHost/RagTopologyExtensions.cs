namespace LlmServe.AppHost;

/// <summary>The embedding deployment and the <c>rag/&lt;collection&gt;</c> model routes of the topology.</summary>
internal static class RagTopologyExtensions
{
    /// <summary>
    /// Registers, after the chat deployments: the embedding worker (so Rag embeds through the gateway like any
    /// client), and one gateway deployment per RAG collection whose upstream is the Rag service itself, an external
    /// OpenAI-compatible server from the gateway's point of view. The gateway references Rag without waiting for it:
    /// Rag already waits for the gateway. Returns the next free gateway deployment index.
    /// </summary>
    public static int AddRagTopology(this IDistributedApplicationBuilder builder, TopologyOptions topology,
        IResourceBuilder<ProjectResource> gateway, IResourceBuilder<ProjectResource> rag)
    {
        var index = topology.Deployments.Count;
        if (topology.Embedding is { } embedding)
        {
            var worker = builder.AddLlmWorker(embedding).WithPlacement(embedding);
            gateway.WithModelDeployment(index++, embedding, worker);
            rag.WithEnvironment("Rag__EmbeddingModel", embedding.Name);
        }
        // Folder ingestion reads under the Rag service's own documents folder only.
        rag.WithEnvironment("Rag__IngestRoot", "SampleDocs");
        if (topology.RagCollections.Count > 0)
        {
            gateway.WithReference(rag);
        }
        foreach (var collection in topology.RagCollections)
        {
            gateway.WithExternalModel(index++, $"rag/{collection}", rag, ResourceNames.RagOwner);
        }
        return index;
    }
}
