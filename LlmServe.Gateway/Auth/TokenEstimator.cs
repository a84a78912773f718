using System.Text.Json;

namespace LlmServe.Gateway.Auth;

/// <summary>
/// Tokens to reserve for a request before it runs: its completion cap (<c>max_tokens</c> or
/// <c>max_completion_tokens</c>, else a default) plus the prompt at ~4 characters per token.
/// </summary>
internal static class TokenEstimator
{
    public const int CharsPerToken = 4;

    public static long Estimate(JsonElement body, int defaultCompletionTokens)
    {
        long completion = defaultCompletionTokens;
        foreach (var name in (string[])["max_completion_tokens", "max_tokens"])
        {
            if (body.TryGetProperty(name, out var cap) && cap.ValueKind == JsonValueKind.Number && cap.TryGetInt64(out var n))
            {
                completion = n;
                break;
            }
        }
        long chars = 0;
        foreach (var name in (string[])["prompt", "messages", "input", "text_1", "text_2", "query", "documents"])
        {
            if (body.TryGetProperty(name, out var value))
            {
                chars += TextLength(value);
            }
        }
        return completion + (chars + CharsPerToken - 1) / CharsPerToken;
    }

    private static long TextLength(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()?.Length ?? 0,
        JsonValueKind.Array => value.EnumerateArray().Sum(TextLength),
        JsonValueKind.Object => value.EnumerateObject()
            .Where(p => p.Name is "content" or "text")
            .Sum(p => TextLength(p.Value)),
        _ => 0,
    };
}
