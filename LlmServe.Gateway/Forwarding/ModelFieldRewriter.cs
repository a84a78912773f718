using System.Text.Json;
using System.Text.Json.Nodes;

namespace LlmServe.Gateway.Forwarding;

/// <summary>
/// Replaces the buffered request body with one whose <c>model</c> names what the replica serves. Only requests
/// that arrive under an alias pay for this; all others are forwarded byte for byte.
/// </summary>
internal static class ModelFieldRewriter
{
    public static async Task RewriteAsync(HttpRequest request, string upstreamModel, CancellationToken cancellationToken)
    {
        request.Body.Position = 0;
        var node = await JsonNode.ParseAsync(request.Body, cancellationToken: cancellationToken)
            ?? throw new InvalidOperationException("A validated body cannot be null.");
        node["model"] = upstreamModel;
        var bytes = JsonSerializer.SerializeToUtf8Bytes(node);
        request.Body = new MemoryStream(bytes, writable: false);
        request.ContentLength = bytes.Length;
    }
}
