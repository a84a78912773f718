using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace LlmServe.Rag.Generation;

/// <summary>Non-streaming chat completions through the gateway's OpenAI API.</summary>
/// <remarks>
/// The shared HTTP pipeline sets no overall timeout (LLM streams can be long), so each call here is bounded by
/// <see cref="RagOptions.GenerationTimeout"/>. Every failure surfaces as a <see cref="GatewayException"/>.
/// </remarks>
internal sealed class GatewayChatClient(HttpClient http, IOptions<RagOptions> options)
{
    /// <summary>Relative to the gateway base address, so a base path in <see cref="RagOptions.GatewayUrl"/> is kept.</summary>
    private const string ChatCompletionsPath = "v1/chat/completions";
    private const int MaxUpstreamMessageLength = 1000;

    public async Task<ChatCompletionResult> CompleteAsync(ChatCompletionRequest request, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.GenerationTimeout);
        try
        {
            using var response = await http.PostAsJsonAsync(ChatCompletionsPath, request, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                var body = await response.Content.ReadAsStringAsync(timeout.Token);
                throw new GatewayException(UpstreamMessage(body, response.ReasonPhrase), (int)response.StatusCode);
            }
            var completion = await response.Content.ReadFromJsonAsync<ChatCompletionResponse>(timeout.Token);
            var message = completion?.Choices is [var first, ..] ? first.Message : null;
            if (message is null)
            {
                throw new GatewayException("The gateway returned a chat completion without choices.", (int)response.StatusCode);
            }
            return new ChatCompletionResult(message.Content ?? "", completion?.Model ?? request.Model, completion?.Usage);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new GatewayException(
                $"The gateway did not answer within {options.Value.GenerationTimeout.TotalSeconds:F0} s.", null, ex);
        }
        catch (HttpRequestException ex)
        {
            throw new GatewayException($"The gateway could not be reached: {ex.Message}", null, ex);
        }
        catch (JsonException ex)
        {
            throw new GatewayException($"The gateway returned an invalid chat completion: {ex.Message}", null, ex);
        }
    }

    /// <summary>The <c>error.message</c> of an OpenAI error body, else the (truncated) body, else the reason phrase.</summary>
    internal static string UpstreamMessage(string body, string? reasonPhrase)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("error", out var error)
                && error.ValueKind == JsonValueKind.Object
                && error.TryGetProperty("message", out var message)
                && message.ValueKind == JsonValueKind.String)
            {
                return message.GetString() ?? "";
            }
        }
        catch (JsonException)
        {
            // Not JSON: fall through to the raw body.
        }
        if (!string.IsNullOrWhiteSpace(body))
        {
            return body.Length <= MaxUpstreamMessageLength ? body : body[..MaxUpstreamMessageLength];
        }
        return reasonPhrase ?? "The gateway returned an error.";
    }
}
