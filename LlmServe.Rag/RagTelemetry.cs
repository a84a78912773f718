using System.Diagnostics;
using System.Diagnostics.Metrics;
using LlmServe.ServiceDefaults;

namespace LlmServe.Rag;

/// <summary>The service's ActivitySource and per-stage duration histograms (names registered in ServiceDefaults).</summary>
internal sealed class RagTelemetry
{
    public static readonly ActivitySource ActivitySource = new(TelemetryNames.Rag);

    public RagTelemetry(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(TelemetryNames.Rag);
        RetrieveDuration = meter.CreateHistogram<double>(
            "llmserve.rag.retrieve.duration", "s", "Time to find the sources of a question.");
        EmbedDuration = meter.CreateHistogram<double>(
            "llmserve.rag.embed.duration", "s", "Time of one embeddings request to the gateway (a batch of inputs).");
        SearchDuration = meter.CreateHistogram<double>(
            "llmserve.rag.search.duration", "s", "Time of one vector store search.");
        IngestedChunks = meter.CreateCounter<long>(
            "llmserve.rag.ingested.chunks", "{chunk}", "Chunks embedded and stored by ingestion.");
        GenerateDuration = meter.CreateHistogram<double>(
            "llmserve.rag.generate.duration", "s", "Time of the chat completion that writes the answer.");
    }

    public Histogram<double> RetrieveDuration { get; }

    public Histogram<double> EmbedDuration { get; }

    public Histogram<double> SearchDuration { get; }

    public Counter<long> IngestedChunks { get; }

    public Histogram<double> GenerateDuration { get; }
}
