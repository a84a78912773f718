using System.Text.Json;

namespace LlmServe.Agents.Tests.Infrastructure;

/// <summary>A request the fake gateway received.</summary>
internal sealed record RecordedRequest(string Method, string Path, string? Authorization, string Body)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;
}
