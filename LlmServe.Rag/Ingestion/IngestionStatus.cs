namespace LlmServe.Rag.Ingestion;

/// <summary>Where startup ingestion stands; read by the readiness check and the query endpoint.</summary>
internal sealed class IngestionStatus
{
    private volatile State _state = new(IngestionPhase.Running, 0, 0, null);

    public IngestionPhase Phase => _state.Phase;

    public bool IsReady => _state.Phase == IngestionPhase.Completed;

    public int Documents => _state.Documents;

    public int Chunks => _state.Chunks;

    public string? Error => _state.Error;

    public void MarkCompleted(int documents, int chunks) => _state = new(IngestionPhase.Completed, documents, chunks, null);

    public void MarkFailed(string error) => _state = new(IngestionPhase.Failed, 0, 0, error);

    // One immutable snapshot so readers never see a phase with another phase's counts.
    private sealed record State(IngestionPhase Phase, int Documents, int Chunks, string? Error);
}
