using LlmServe.Worker.Tokenization;

namespace LlmServe.Worker.Chat.Reasoning;

/// <summary>
/// Where a structured-output constraint starts to bind for a reasoning model: after the end-of-thought token, so the
/// thought stays free and the answer matches (as vLLM constrains only the answer).
/// </summary>
internal static class ReasoningGate
{
    /// <summary>
    /// How a constraint waits for the answer: the end-of-thought token it binds after, and the token that may open a
    /// thought as the first output token; (null, null) binds from the first token. No parser, tags that are not single
    /// tokens of this vocabulary, or a prompt that already closed the thought (Qwen3's <c>enable_thinking: false</c>
    /// writes an empty one) bind at once; a thought the prompt opened (DeepSeek R1's templates) waits for its end; a
    /// prompt that leaves the choice to the model lets its first token open a thought (Qwen3's default thinking mode)
    /// or start the constrained answer.
    /// </summary>
    public static (int? AfterToken, int? OpenToken) For(ReasoningParser? parser, ITokenizer tokenizer, IReadOnlyList<int> prompt)
    {
        if (parser is null || SingleToken(tokenizer, parser.End) is not int end)
        {
            return (null, null);
        }
        var start = SingleToken(tokenizer, parser.Start);
        var lastStart = start is int s ? LastIndexOf(prompt, s) : -1;
        var lastEnd = LastIndexOf(prompt, end);
        if (lastEnd > lastStart)
        {
            return (null, null);
        }
        if (lastStart >= 0 || parser.ThinksWithoutStart)
        {
            return (end, null);
        }
        return start is int open ? (end, open) : (null, null);
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
