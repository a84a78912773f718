using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LlmServe.Rag.Ingestion;

/// <summary>Readiness: the service answers queries only once the documents are indexed.</summary>
internal sealed class IngestionHealthCheck(IngestionStatus status) : IHealthCheck
{
    public const string Name = "ingestion";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(status.Phase switch
        {
            IngestionPhase.Completed => HealthCheckResult.Healthy(
                $"Indexed {status.Chunks} chunks from {status.Documents} documents."),
            IngestionPhase.Failed => HealthCheckResult.Unhealthy($"Ingestion failed: {status.Error}"),
            _ => HealthCheckResult.Unhealthy("Ingestion is still running."),
        });
}
