using System.Text.Json;
using LlmServe.Worker.Api;

namespace LlmServe.Worker.Chat;

/// <summary>One chat message with its text content (OpenAI string content or text parts joined).</summary>
internal sealed record ChatMessage(string Role, string Content)
{
    private static readonly string[] Roles = ["system", "developer", "user", "assistant", "tool"];

    public static IReadOnlyList<ChatMessage> ParseAll(JsonElement root)
    {
        if (JsonFields.IsAbsent(root, "messages", out var messages))
        {
            throw new RequestValidationException("messages", "'messages' is required.");
        }
        if (messages.ValueKind != JsonValueKind.Array || messages.GetArrayLength() == 0)
        {
            throw new RequestValidationException("messages", "'messages' must be a non-empty array.");
        }
        var result = new List<ChatMessage>();
        var index = 0;
        foreach (var m in messages.EnumerateArray())
        {
            var param = $"messages[{index++}]";
            if (m.ValueKind != JsonValueKind.Object)
            {
                throw new RequestValidationException(param, $"'{param}' must be an object.");
            }
            var role = m.TryGetProperty("role", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString()! : null;
            if (role is null || !Roles.Contains(role))
            {
                throw new RequestValidationException($"{param}.role", $"'{param}.role' must be one of {string.Join(", ", Roles)}.");
            }
            result.Add(new ChatMessage(role, ReadContent(m, param)));
        }
        return result;
    }

    private static string ReadContent(JsonElement message, string param)
    {
        if (!message.TryGetProperty("content", out var content) || content.ValueKind == JsonValueKind.Null)
        {
            return "";
        }
        if (content.ValueKind == JsonValueKind.String)
        {
            return content.GetString()!;
        }
        if (content.ValueKind == JsonValueKind.Array)
        {
            var parts = new List<string>();
            foreach (var part in content.EnumerateArray())
            {
                if (part.ValueKind != JsonValueKind.Object || !part.TryGetProperty("type", out var type) || type.GetString() != "text"
                    || !part.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.String)
                {
                    throw new RequestValidationException($"{param}.content", "Only text content parts are supported.");
                }
                parts.Add(text.GetString()!);
            }
            return string.Join("\n", parts);
        }
        throw new RequestValidationException($"{param}.content", $"'{param}.content' must be a string or an array of content parts.");
    }
}
