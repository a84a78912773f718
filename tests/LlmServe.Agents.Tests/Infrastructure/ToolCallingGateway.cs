using System.Text.Json;
using LlmServe.TestUtilities;

namespace LlmServe.Agents.Tests.Infrastructure;

/// <summary>The fake gateway scripted as a model that calls one tool first, and answers once it has a tool result.</summary>
internal static class ToolCallingGateway
{
    public static async Task<FakeOpenAiServer> StartAsync(string tool, string arguments, CancellationToken ct)
    {
        var gateway = await FakeOpenAiServer.StartAsync(ct);
        gateway.Responder = request => ToolMessage(request) is null ? ToolCall(tool, arguments) : FakeOpenAiServer.DefaultCompletion;
        return gateway;
    }

    /// <summary>The content of the tool message in a model call, null when there is none.</summary>
    public static string? ToolMessage(RecordedRequest request) => request.Json.GetProperty("messages").EnumerateArray()
        .Where(m => m.GetProperty("role").GetString() == "tool")
        .Select(m => Text(m.GetProperty("content")))
        .FirstOrDefault();

    private static string ToolCall(string name, string arguments) => JsonSerializer.Serialize(new
    {
        id = "chatcmpl-tool", @object = "chat.completion", created = 1_700_000_000, model = FakeOpenAiServer.ServedModel,
        choices = new[]
        {
            new
            {
                index = 0, finish_reason = "tool_calls",
                message = new { role = "assistant", content = (string?)null, tool_calls = new[] { new { id = "call_1", type = "function", function = new { name, arguments } } } },
            },
        },
        // Semantic Kernel's connector reads the usage of every completion.
        usage = new { prompt_tokens = 40, completion_tokens = 8, total_tokens = 48 },
    });

    /// <summary>Content sent either as a string or as an array of text parts.</summary>
    private static string Text(JsonElement content) => content.ValueKind == JsonValueKind.String
        ? content.GetString() ?? ""
        : string.Concat(content.EnumerateArray().Select(p => p.GetProperty("text").GetString()));
}
