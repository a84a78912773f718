using System.Globalization;
using System.Text.Json;

namespace LlmServe.Gateway.Routing;

/// <summary>Reads the routing hints of a request: its sticky key (session header, else OpenAI <c>user</c>) and priority.</summary>
internal static class RouteRequestReader
{
    public static RouteRequest Read(HttpRequest request, JsonElement body, string model, RoutingOptions? routing = null)
    {
        string? sticky = request.Headers[RouteRequest.SessionHeader].ToString();
        if (string.IsNullOrEmpty(sticky))
        {
            sticky = body.TryGetProperty("user", out var user) && user.ValueKind == JsonValueKind.String ? user.GetString() : null;
        }
        var priority = int.TryParse(request.Headers[RouteRequest.PriorityHeader].ToString(), NumberStyles.Integer,
            CultureInfo.InvariantCulture, out var p) ? p : 0;
        var prefix = routing is { Policy: RoutingPolicies.PrefixAffinity } r
            ? PrefixAffinity.Hashes(PromptPrefix(body, r.PrefixBlockCharacters * r.PrefixBlocks), r.PrefixBlockCharacters, r.PrefixBlocks)
            : [];
        return new RouteRequest(model, string.IsNullOrEmpty(sticky) ? null : sticky, priority) { PrefixHashes = prefix };
    }

    /// <summary>The first <paramref name="limit"/> characters of the prompt: <c>prompt</c>, or each message as role and text.</summary>
    public static string? PromptPrefix(JsonElement body, int limit)
    {
        if (body.TryGetProperty("prompt", out var prompt) && prompt.ValueKind == JsonValueKind.String)
        {
            var text = prompt.GetString() ?? "";
            return text.Length > limit ? text[..limit] : text;
        }
        if (!body.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
        {
            return null;
        }
        var builder = new System.Text.StringBuilder();
        foreach (var message in messages.EnumerateArray())
        {
            if (builder.Length >= limit)
            {
                break;
            }
            var role = message.TryGetProperty("role", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : "";
            builder.Append(role).Append('\n');
            if (message.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String)
            {
                builder.Append(content.GetString()).Append('\n');
            }
        }
        return builder.Length > limit ? builder.ToString(0, limit) : builder.ToString();
    }
}
