using LlmServe.Rag.Generation;
using LlmServe.Rag.Ingestion;
using LlmServe.Rag.Retrieval;

namespace LlmServe.Rag.Apis;

/// <summary>The services the RAG endpoints use, injected as one <c>[AsParameters]</c> bundle.</summary>
internal sealed class RagServices(RagAnswerer answerer, IChunkStore store, IngestionStatus ingestion, ILogger<RagServices> logger)
{
    public RagAnswerer Answerer { get; } = answerer;

    public IChunkStore Store { get; } = store;

    public IngestionStatus Ingestion { get; } = ingestion;

    public ILogger<RagServices> Logger { get; } = logger;
}
