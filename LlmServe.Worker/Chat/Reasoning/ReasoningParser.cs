namespace LlmServe.Worker.Chat.Reasoning;

/// <summary>
/// vLLM's <c>--reasoning-parser</c>: where a reasoning model's thinking (returned as <c>reasoning</c>) ends and its
/// answer (<c>content</c>) begins.
/// </summary>
/// <param name="Start">The tag a thought opens with; stripped when the output begins with it.</param>
/// <param name="End">The tag that closes the thought; what follows it is the answer.</param>
/// <param name="ThinksWithoutStart">
/// Whether output that does not begin with <paramref name="Start"/> is still thought up to <paramref name="End"/>
/// (DeepSeek R1 and QwQ, whose templates open the thought in the prompt), or is all answer (Qwen3, whose thinking can
/// be switched off with <c>chat_template_kwargs: {"enable_thinking": false}</c>).
/// </param>
/// <remarks>
/// A thought cut off before its end tag (max_tokens, a stop) is returned as reasoning with no content, the same way
/// whether the response streams or not.
/// </remarks>
internal sealed record ReasoningParser(string Name, string Start, string End, bool ThinksWithoutStart)
{
    public static readonly IReadOnlyList<string> Names = ["deepseek_r1", "qwen3"];

    /// <summary>The parser named by <c>--reasoning-parser</c>; null when none is set.</summary>
    /// <exception cref="ArgumentException">The name is not one of <see cref="Names"/>.</exception>
    public static ReasoningParser? Create(string? name) => name switch
    {
        null or "" => null,
        "deepseek_r1" => new(name, "<think>", "</think>", ThinksWithoutStart: true),
        "qwen3" => new(name, "<think>", "</think>", ThinksWithoutStart: false),
        _ => throw new ArgumentException($"Unknown reasoning parser '{name}' (supported: {string.Join(", ", Names)})."),
    };

    /// <summary>A finished output as (reasoning, content); either is null when the output has none.</summary>
    public (string? Reasoning, string? Content) Split(string output)
    {
        string body;
        if (output.StartsWith(Start, StringComparison.Ordinal))
        {
            body = output[Start.Length..];
        }
        else if (ThinksWithoutStart)
        {
            body = output;
        }
        else
        {
            return (null, output);
        }
        var end = body.IndexOf(End, StringComparison.Ordinal);
        if (end < 0)
        {
            return (body, null);
        }
        var content = body[(end + End.Length)..];
        return (body[..end], content.Length > 0 ? content : null);
    }

    public ReasoningStreamer Streamer() => new(this);
}
