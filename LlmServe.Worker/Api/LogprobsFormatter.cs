using System.Text;
using LlmServe.Worker.Engine.Sampling;
using LlmServe.Worker.Tokenization;

namespace LlmServe.Worker.Api;

/// <summary>OpenAI's two logprobs shapes: chat's <c>{content:[...]}</c> and legacy completions' parallel arrays.</summary>
internal static class LogprobsFormatter
{
    public static object? Chat(IReadOnlyList<TokenLogprobs> tokens, ITokenizer tokenizer) => tokens.Count == 0 ? null : new
    {
        content = tokens.Select(t => new
        {
            token = Text(tokenizer, t.TokenId),
            logprob = t.Logprob,
            bytes = tokenizer.TokenBytes(t.TokenId).ToArray().Select(b => (int)b).ToArray(),
            top_logprobs = t.Top.Select(a => new
            {
                token = Text(tokenizer, a.TokenId),
                logprob = a.Logprob,
                bytes = tokenizer.TokenBytes(a.TokenId).ToArray().Select(b => (int)b).ToArray(),
            }).ToArray(),
        }).ToArray(),
    };

    public static object? Completion(IReadOnlyList<TokenLogprobs> tokens, ITokenizer tokenizer, int textOffset)
    {
        if (tokens.Count == 0)
        {
            return null;
        }
        var offsets = new List<int>();
        var offset = textOffset;
        foreach (var t in tokens)
        {
            offsets.Add(offset);
            offset += Text(tokenizer, t.TokenId).Length;
        }
        return new
        {
            tokens = tokens.Select(t => Text(tokenizer, t.TokenId)).ToArray(),
            token_logprobs = tokens.Select(t => t.Logprob).ToArray(),
            top_logprobs = tokens.Select(t =>
            {
                var top = new Dictionary<string, float>();
                foreach (var (id, lp) in t.Top)
                {
                    top.TryAdd(Text(tokenizer, id), lp);
                }
                return top;
            }).ToArray(),
            text_offset = offsets.ToArray(),
        };
    }

    /// <summary>A token's own text (partial UTF-8 sequences show as U+FFFD, as OpenAI's do; the bytes field is exact).</summary>
    private static string Text(ITokenizer tokenizer, int id) => Encoding.UTF8.GetString(tokenizer.TokenBytes(id));
}
