using System.Diagnostics;
using System.Diagnostics.Metrics;
using LlmServe.ServiceDefaults;

namespace LlmServe.Agents;

/// <summary>The service's ActivitySource and invocation histogram (names registered in ServiceDefaults).</summary>
internal sealed class AgentsTelemetry
{
    public static readonly ActivitySource ActivitySource = new(TelemetryNames.Agents);

    public AgentsTelemetry(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(TelemetryNames.Agents);
        InvocationDuration = meter.CreateHistogram<double>(
            "llmserve.agents.invocation.duration", "s", "Time of one agent invocation, all steps included.");
    }

    public Histogram<double> InvocationDuration { get; }
}
