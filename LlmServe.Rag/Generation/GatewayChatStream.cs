using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace LlmServe.Rag.Generation;

/// <summary>Streaming chat completions through the gateway: the text deltas of its server-sent events.</summary>
internal static class GatewayChatStream
{
    private const string ChatCompletionsPath = "v1/chat/completions";

    /// <summary>
    /// Opens the stream (failing with <see cref="GatewayException"/> before the first delta when the gateway refuses)
    /// and yields each <c>choices[0].delta.content</c> until <c>[DONE]</c>.
    /// </summary>
    public static async Task<IAsyncEnumerable<string>> OpenAsync(HttpClient http, ChatCompletionRequest request, CancellationToken cancellationToken)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, ChatCompletionsPath) { Content = JsonContent.Create(request with { Stream = true }) };
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            message.Dispose();
            throw new GatewayException($"The gateway could not be reached: {ex.Message}", null, ex);
        }
        if (!response.IsSuccessStatusCode)
        {
            using (response)
            using (message)
            {
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                throw new GatewayException(GatewayChatClient.UpstreamMessage(body, response.ReasonPhrase), (int)response.StatusCode);
            }
        }
        return ReadDeltasAsync(message, response, cancellationToken);
    }

    private static async IAsyncEnumerable<string> ReadDeltasAsync(
        HttpRequestMessage message, HttpResponseMessage response, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using (message)
        using (response)
        {
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                if (!line.StartsWith("data:", StringComparison.Ordinal))
                {
                    continue;
                }
                var data = line[5..].Trim();
                if (data == "[DONE]")
                {
                    yield break;
                }
                if (Delta(data) is { Length: > 0 } delta)
                {
                    yield return delta;
                }
            }
        }
    }

    internal static string? Delta(string data)
    {
        using var chunk = JsonDocument.Parse(data);
        return chunk.RootElement.TryGetProperty("choices", out var choices) && choices.ValueKind == JsonValueKind.Array
            && choices.GetArrayLength() > 0
            && choices[0].TryGetProperty("delta", out var delta) && delta.TryGetProperty("content", out var content)
            && content.ValueKind == JsonValueKind.String
                ? content.GetString()
                : null;
    }
}
