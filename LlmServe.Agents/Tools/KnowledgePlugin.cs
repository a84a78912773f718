using System.ComponentModel;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.SemanticKernel;

namespace LlmServe.Agents.Tools;

/// <summary>Searches the knowledge base through the Rag service's query API (<c>POST /v1/rag/query</c>).</summary>
internal sealed class KnowledgePlugin(HttpClient rag, int maxTokens)
{
    /// <summary>Name of the HttpClient pointed at the Rag service.</summary>
    public const string HttpClientName = "rag";

    [KernelFunction("search")]
    [Description("Searches the knowledge base and returns an answer with the titles of the documents it came from.")]
    public async Task<string> SearchAsync([Description("The question to look up")] string question, CancellationToken cancellationToken)
    {
        using var response = await rag.PostAsJsonAsync("/v1/rag/query", new { question, max_tokens = maxTokens }, cancellationToken);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var message = body.TryGetProperty("error", out var e) && e.TryGetProperty("message", out var m) ? m.GetString() : null;
            throw new InvalidOperationException($"The knowledge search failed ({(int)response.StatusCode}): {message ?? "no details"}");
        }
        var text = new StringBuilder(body.GetProperty("answer").GetString());
        foreach (var citation in body.GetProperty("citations").EnumerateArray())
        {
            text.Append($"\n[{citation.GetProperty("index").GetInt32()}] {citation.GetProperty("title").GetString()} ({citation.GetProperty("document").GetString()})");
        }
        return text.ToString();
    }
}
