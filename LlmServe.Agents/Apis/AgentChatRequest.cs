using System.Text.Json;
using LlmServe.Agents.Agents;
using Microsoft.SemanticKernel.ChatCompletion;

namespace LlmServe.Agents.Apis;

/// <summary>
/// A chat completion request addressed to an agent as model <c>agent/NAME</c>. System and developer messages are
/// dropped (the agent brings its own instructions); user and assistant turns become the conversation.
/// </summary>
internal sealed record AgentChatRequest(string Model, string AgentName, IReadOnlyList<ConversationMessage> Conversation, int? MaxTokens, bool Stream)
{
    public const string ModelPrefix = "agent/";

    public static AgentChatRequest Parse(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw new AgentRequestException("The request body must be a JSON object.", null);
        }
        var model = body.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()!
            : throw new AgentRequestException("'model' is required and must be a string.", "model");
        if (!body.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array || messages.GetArrayLength() == 0)
        {
            throw new AgentRequestException("'messages' must be a non-empty array.", "messages");
        }
        var conversation = new List<ConversationMessage>();
        var index = 0;
        foreach (var message in messages.EnumerateArray())
        {
            var param = $"messages[{index++}]";
            var role = message.ValueKind == JsonValueKind.Object && message.TryGetProperty("role", out var r) && r.ValueKind == JsonValueKind.String
                ? r.GetString() : null;
            switch (role)
            {
                case "system" or "developer":
                    continue;
                case "user" or "assistant":
                    conversation.Add(new ConversationMessage(role == "user" ? AuthorRole.User : AuthorRole.Assistant, Content(message, param)));
                    break;
                default:
                    throw new AgentRequestException($"'{param}.role' must be system, developer, user or assistant.", $"{param}.role");
            }
        }
        if (conversation.Count == 0 || conversation[^1].Role != AuthorRole.User)
        {
            throw new AgentRequestException("The last user or assistant message must be a user message.", "messages");
        }
        var maxTokens = OptionalPositiveInt(body, "max_completion_tokens") ?? OptionalPositiveInt(body, "max_tokens");
        var stream = body.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
        return new AgentChatRequest(model, model.StartsWith(ModelPrefix, StringComparison.Ordinal) ? model[ModelPrefix.Length..] : "",
            conversation, maxTokens, stream);
    }

    private static string Content(JsonElement message, string param)
    {
        if (!message.TryGetProperty("content", out var content) || content.ValueKind == JsonValueKind.String)
        {
            return content.ValueKind == JsonValueKind.String ? content.GetString()! : "";
        }
        if (content.ValueKind == JsonValueKind.Array && content.EnumerateArray().All(p =>
                p.ValueKind == JsonValueKind.Object && p.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String))
        {
            return string.Join("\n", content.EnumerateArray().Select(p => p.GetProperty("text").GetString()));
        }
        throw new AgentRequestException($"'{param}.content' must be a string or an array of text parts.", $"{param}.content");
    }

    private static int? OptionalPositiveInt(JsonElement body, string name) =>
        !body.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null ? null
        : v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) && n >= 1 ? n
        : throw new AgentRequestException($"'{name}' must be a positive integer.", name);
}

/// <summary>A request field that fails validation; becomes a 400 naming <see cref="Param"/>.</summary>
internal sealed class AgentRequestException(string message, string? param) : Exception(message)
{
    public string? Param { get; } = param;
}
