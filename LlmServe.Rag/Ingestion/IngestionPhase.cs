namespace LlmServe.Rag.Ingestion;

/// <summary>The phases of startup ingestion.</summary>
internal enum IngestionPhase
{
    Running,
    Completed,
    Failed,
}
