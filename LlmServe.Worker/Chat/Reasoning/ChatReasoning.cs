using System.Text.Json;
using LlmServe.Worker.Api;

namespace LlmServe.Worker.Chat.Reasoning;

/// <summary>
/// Reasoning for one chat request: the replica's parser (none: every output is content), whether the client wants
/// the reasoning back (<c>include_reasoning</c>, default true; the thought is kept out of the content either way), and
/// a streamer per streamed choice.
/// </summary>
internal sealed class ChatReasoning(ReasoningParser? parser, bool include)
{
    private readonly Dictionary<int, ReasoningStreamer> _streamers = [];

    public static ChatReasoning For(JsonElement request, ReasoningParser? parser) =>
        new(parser, JsonFields.OptionalBool(request, "include_reasoning", fallback: true));

    public bool Enabled => parser is not null;

    /// <summary>A finished choice's (reasoning, content): (null, text) without a parser, reasoning null when not wanted.</summary>
    public (string? Reasoning, string? Content) Split(string text)
    {
        if (parser is null)
        {
            return (null, text);
        }
        var (reasoning, content) = parser.Split(text);
        return (include ? reasoning : null, content);
    }

    /// <summary>What a streamed choice can send now of each part; all content without a parser.</summary>
    public (string Reasoning, string Content) Push(int choice, string text, bool final)
    {
        if (parser is null)
        {
            return ("", text);
        }
        if (!_streamers.TryGetValue(choice, out var streamer))
        {
            streamer = parser.Streamer();
            _streamers[choice] = streamer;
        }
        var (reasoning, content) = streamer.Push(text, final);
        return (include ? reasoning : "", content);
    }

    /// <summary>The message or delta fields for a piece of reasoning: vLLM's <c>reasoning</c> and its older name.</summary>
    public static Dictionary<string, object?> Fields(string reasoning) => new()
    {
        ["reasoning"] = reasoning,
        ["reasoning_content"] = reasoning,
    };
}
