using System.Text.Json;

namespace LlmServe.TestUtilities;

/// <summary>A request the fake gateway received.</summary>
public sealed record RecordedRequest(string Method, string Path, string? Authorization, string Body)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;
}
