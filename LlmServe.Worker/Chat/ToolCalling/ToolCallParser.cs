using System.Text.Json;

namespace LlmServe.Worker.Chat.ToolCalling;

/// <summary>
/// Reads tool calls out of generated text. All or nothing: when any call fails to parse, or names a function that
/// was not offered, the whole text is content, so a client never receives a call the model did not fully write.
/// </summary>
internal static class ToolCallParser
{
    public const string HermesOpen = "<tool_call>";
    public const string HermesClose = "</tool_call>";
    public const string PythonTag = "<|python_tag|>";

    public static ParsedOutput Parse(ToolCallFormat format, string text, IReadOnlyCollection<string> names, bool parallel)
    {
        var start = CallsStart(format, text);
        if (start < 0)
        {
            return new ParsedOutput(text, []);
        }
        var calls = format == ToolCallFormat.Hermes ? ParseHermes(text, start) : ParseLlama(text, start);
        if (calls is null || calls.Count == 0 || calls.Any(c => !names.Contains(c.Name)))
        {
            return new ParsedOutput(text, []);
        }
        var content = text[..start].TrimEnd();
        return new ParsedOutput(content.Length == 0 ? null : content, parallel ? calls : [calls[0]]);
    }

    /// <summary>Where the tool calls begin in <paramref name="text"/>, or -1 when it holds none.</summary>
    public static int CallsStart(ToolCallFormat format, string text)
    {
        if (format == ToolCallFormat.Hermes)
        {
            return text.IndexOf(HermesOpen, StringComparison.Ordinal);
        }
        // Llama 3.x writes a call as the whole message, so only a message that opens with one is a call.
        var first = text.Length - text.TrimStart().Length;
        return text.AsSpan(first).StartsWith(PythonTag) || text.AsSpan(first).StartsWith("{") ? first : -1;
    }

    /// <summary>
    /// Where tool calls might begin once more text arrives, or -1: the start of a partial opening at the end of
    /// <paramref name="text"/> (Hermes), or the start when nothing but whitespace or part of an opening has been
    /// written yet (Llama 3.x).
    /// </summary>
    public static int PendingStart(ToolCallFormat format, string text)
    {
        if (format == ToolCallFormat.Hermes)
        {
            var pending = Engine.PartialMatch.SuffixStartingMarker(text, HermesOpen);
            return pending > 0 ? text.Length - pending : -1;
        }
        var trimmed = text.TrimStart();
        return trimmed.Length == 0 || PythonTag.StartsWith(trimmed, StringComparison.Ordinal) ? text.Length - trimmed.Length : -1;
    }

    private static List<ParsedToolCall>? ParseHermes(string text, int start)
    {
        var calls = new List<ParsedToolCall>();
        var at = start;
        while (at < text.Length)
        {
            if (!text.AsSpan(at).StartsWith(HermesOpen))
            {
                return text.AsSpan(at).IsWhiteSpace() ? calls : null;
            }
            at += HermesOpen.Length;
            var close = text.IndexOf(HermesClose, at, StringComparison.Ordinal);
            // An output that ends inside the last block (a stop string ate the closing tag) still counts when its JSON is whole.
            var body = close < 0 ? text[at..] : text[at..close];
            if (ReadCall(body.Trim(), "arguments") is not { } call)
            {
                return null;
            }
            calls.Add(call);
            at = close < 0 ? text.Length : close + HermesClose.Length;
            at += text.Length - at - text.AsSpan(at).TrimStart().Length;
        }
        return calls;
    }

    private static List<ParsedToolCall>? ParseLlama(string text, int start)
    {
        var rest = text[start..].Trim();
        if (rest.StartsWith(PythonTag, StringComparison.Ordinal))
        {
            rest = rest[PythonTag.Length..].TrimStart();
        }
        var calls = new List<ParsedToolCall>();
        var at = 0;
        while (at < rest.Length)
        {
            var end = JsonObjectEnd(rest, at);
            if (end < 0 || ReadCall(rest[at..end], "parameters") is not { } call)
            {
                return null;
            }
            calls.Add(call);
            at = end;
            // Several calls are separated by ";" (as vLLM's llama3_json parser accepts).
            while (at < rest.Length && (char.IsWhiteSpace(rest[at]) || rest[at] == ';'))
            {
                at++;
            }
        }
        return calls;
    }

    /// <summary>{"name": string, "arguments"|"parameters": object}; the object may also come as a JSON string.</summary>
    private static ParsedToolCall? ReadCall(string json, string argumentsKey)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
            {
                return null;
            }
            if (!root.TryGetProperty(argumentsKey, out var args) && !root.TryGetProperty(argumentsKey == "arguments" ? "parameters" : "arguments", out args))
            {
                return null;
            }
            if (args.ValueKind == JsonValueKind.String)
            {
                using var inner = JsonDocument.Parse(args.GetString()!);
                return inner.RootElement.ValueKind == JsonValueKind.Object ? new ParsedToolCall(name.GetString()!, inner.RootElement.GetRawText()) : null;
            }
            return args.ValueKind == JsonValueKind.Object ? new ParsedToolCall(name.GetString()!, args.GetRawText()) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The index just past the JSON object that starts at <paramref name="start"/>, or -1 when it is not closed.</summary>
    private static int JsonObjectEnd(string text, int start)
    {
        if (start >= text.Length || text[start] != '{')
        {
            return -1;
        }
        var depth = 0;
        var inString = false;
        for (var i = start; i < text.Length; i++)
        {
            var c = text[i];
            if (inString)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == '"')
                {
                    inString = false;
                }
                continue;
            }
            switch (c)
            {
                case '"':
                    inString = true;
                    break;
                case '{' or '[':
                    depth++;
                    break;
                case '}' or ']':
                    if (--depth == 0)
                    {
                        return i + 1;
                    }
                    break;
            }
        }
        return -1;
    }
}
