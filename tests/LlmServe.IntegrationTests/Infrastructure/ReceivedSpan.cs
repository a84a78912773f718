namespace LlmServe.IntegrationTests.Infrastructure;

/// <summary>A span as exported over OTLP: the service that emitted it and its place in the trace.</summary>
public sealed record ReceivedSpan(string Service, string TraceId, string SpanId, string ParentSpanId, string Name, int Kind);
