using LlmServe.Worker.Tokenization;

namespace LlmServe.Worker.Chat.Reasoning;

/// <summary>
/// Where a structured-output constraint starts to bind for a reasoning model: after the end-of-thought token, so the
/// thought stays free and the answer matches (as vLLM constrains only the answer).
/// </summary>
internal static class ReasoningGate
{
    /// <summary>
    /// The token after which the answer begins, or null when the constraint should bind from the first token: no
    /// parser, tags that are not single tokens of this vocabulary, a prompt that already closed the thought (Qwen3's
    /// <c>enable_thinking: false</c> writes an empty one), or a parser that needs an opening tag the prompt lacks
    /// (Qwen3 then has no thought to keep free; DeepSeek R1 templates open the thought in the prompt).
    /// </summary>
    public static int? EndToken(ReasoningParser? parser, ITokenizer tokenizer, IReadOnlyList<int> prompt)
    {
        if (parser is null || SingleToken(tokenizer, parser.End) is not int end)
        {
            return null;
        }
        var start = SingleToken(tokenizer, parser.Start);
        var lastStart = start is int s ? LastIndexOf(prompt, s) : -1;
        var lastEnd = LastIndexOf(prompt, end);
        if (lastEnd > lastStart || (lastStart < 0 && !parser.ThinksWithoutStart))
        {
            return null;
        }
        return end;
    }

    private static int? SingleToken(ITokenizer tokenizer, string text) =>
        tokenizer.Encode(text, addSpecial: false) is [var id] ? id : null;

    private static int LastIndexOf(IReadOnlyList<int> tokens, int id)
    {
        for (var i = tokens.Count - 1; i >= 0; i--)
        {
            if (tokens[i] == id)
            {
                return i;
            }
        }
        return -1;
    }
}
