using System.Text.Json;
using System.Text.Json.Nodes;
using LlmServe.Worker.Chat.Jinja;

namespace LlmServe.Worker.Chat.ToolCalling;

/// <summary>
/// Tools for models whose chat template does not render them (or that have no template): the tools are described in
/// a system message in the Hermes format, and earlier tool calls and tool results are written into message text in
/// that same format, so the model sees a conversation it can continue with a parseable call.
/// </summary>
/// <remarks>
/// The system text is: "You can call these functions:" then one compact JSON line per tool
/// (<c>{"name","description","parameters"}</c>), then how to call: <c>&lt;tool_call&gt;</c>, a newline,
/// <c>{"name": NAME, "arguments": ARGUMENTS}</c>, a newline, <c>&lt;/tool_call&gt;</c>. It is appended to the first
/// system message, or becomes one. Tool results become user messages wrapped in <c>&lt;tool_response&gt;</c>.
/// </remarks>
internal static class ToolPromptFallback
{
    /// <summary>A rewritten copy of the request when the template lacks tool support it needs, else null.</summary>
    public static JsonDocument? Rewrite(JsonElement request, ToolRequest tools, ChatTemplate? template)
    {
        if (!request.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
        {
            return null;   // ChatMessage.ParseAll turns this into a 400
        }
        var describe = tools.Choice != ToolChoiceMode.None && tools.Tools.Count > 0 && !ToolCallFormats.RendersTools(template);
        var history = !ToolCallFormats.RendersToolMessages(template) && messages.EnumerateArray().Any(HasToolParts);
        if (!describe && !history)
        {
            return null;
        }
        var root = JsonNode.Parse(request.GetRawText())!.AsObject();
        var list = root["messages"]!.AsArray();
        if (history)
        {
            for (var i = 0; i < list.Count; i++)
            {
                if (Flatten(list[i]!.AsObject()) is { } flat)
                {
                    list[i] = flat;
                }
            }
        }
        if (describe)
        {
            var text = Describe(request.GetProperty("tools"));
            if (list.Count > 0 && list[0]!["role"]?.GetValue<string>() == "system")
            {
                list[0]!["content"] = ContentText(list[0]!) + "\n\n" + text;
            }
            else
            {
                list.Insert(0, new JsonObject { ["role"] = "system", ["content"] = text });
            }
        }
        return JsonDocument.Parse(root.ToJsonString());
    }

    private static bool HasToolParts(JsonElement m) =>
        m.ValueKind == JsonValueKind.Object
        && (m.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array
            || m.TryGetProperty("role", out var role) && role.ValueKind == JsonValueKind.String && role.GetString() == "tool");

    /// <summary>The message rewritten as plain text, or null when it has no tool parts.</summary>
    private static JsonObject? Flatten(JsonObject message)
    {
        if (message["role"]?.GetValue<string>() == "tool")
        {
            return new JsonObject { ["role"] = "user", ["content"] = $"<tool_response>\n{ContentText(message)}\n</tool_response>" };
        }
        if (message["tool_calls"] is not JsonArray calls)
        {
            return null;
        }
        var parts = new List<string>();
        if (ContentText(message) is { Length: > 0 } content)
        {
            parts.Add(content);
        }
        foreach (var call in calls)
        {
            var function = call?["function"];
            var args = function?["arguments"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : function?["arguments"]?.ToJsonString() ?? "{}";
            parts.Add($"{ToolCallParser.HermesOpen}\n{{\"name\": {JsonSerializer.Serialize(function?["name"]?.ToString() ?? "")}, \"arguments\": {args}}}\n{ToolCallParser.HermesClose}");
        }
        return new JsonObject { ["role"] = "assistant", ["content"] = string.Join("\n", parts) };
    }

    private static string ContentText(JsonNode message) => message["content"] switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonArray parts => string.Join("\n", parts.Select(p => p?["text"]?.ToString()).OfType<string>()),
        _ => "",
    };

    private static string Describe(JsonElement tools)
    {
        var lines = new List<string> { "You can call these functions:" };
        foreach (var tool in tools.EnumerateArray())
        {
            var f = tool.GetProperty("function");
            var entry = new JsonObject { ["name"] = f.GetProperty("name").GetString() };
            if (f.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String)
            {
                entry["description"] = d.GetString();
            }
            if (f.TryGetProperty("parameters", out var p) && p.ValueKind == JsonValueKind.Object)
            {
                entry["parameters"] = JsonNode.Parse(p.GetRawText());
            }
            lines.Add(entry.ToJsonString());
        }
        lines.Add($"To call one, write {ToolCallParser.HermesOpen}\n{{\"name\": NAME, \"arguments\": ARGUMENTS}}\n{ToolCallParser.HermesClose}");
        return string.Join("\n", lines);
    }
}
