using System.Text;
using LlmServe.Worker.Engine.Sampling;
using LlmServe.Worker.Tokenization;

namespace LlmServe.Worker.Api;

/// <summary>
/// OpenAI's two logprobs shapes, chat's <c>{content:[...]}</c> and legacy completions' parallel arrays, and vLLM's
/// <c>prompt_logprobs</c>.
/// </summary>
internal static class LogprobsFormatter
{
    public static object? Chat(IReadOnlyList<TokenLogprobs> tokens, ITokenizer tokenizer) => tokens.Count == 0 ? null : new
    {
        content = tokens.Select(t => new
        {
            token = Text(tokenizer, t.TokenId),
            logprob = t.Logprob,
            bytes = Bytes(tokenizer, t.TokenId),
            top_logprobs = t.Top.Select(a => new
            {
                token = Text(tokenizer, a.TokenId),
                logprob = a.Logprob,
                bytes = Bytes(tokenizer, a.TokenId),
            }).ToArray(),
        }).ToArray(),
    };

    /// <summary>
    /// Completions' parallel arrays for the generated <paramref name="tokens"/>, whose text starts at
    /// <paramref name="textOffset"/>; with <paramref name="echoed"/>, the echoed prompt's tokens come first (offsets from 0,
    /// the first token's log-probability and alternatives null, as OpenAI's echo gives them).
    /// </summary>
    public static object? Completion(IReadOnlyList<TokenLogprobs> tokens, ITokenizer tokenizer, int textOffset, EchoedPrompt? echoed = null)
    {
        if (tokens.Count == 0 && echoed is null)
        {
            return null;
        }
        var texts = new List<string>();
        var logprobs = new List<float?>();
        var tops = new List<Dictionary<string, float>?>();
        var offsets = new List<int>();
        if (echoed is { } prompt)
        {
            var promptOffset = 0;
            for (var i = 0; i < prompt.Tokens.Count; i++)
            {
                var entry = prompt.Logprobs[i];
                offsets.Add(promptOffset);
                texts.Add(Text(tokenizer, prompt.Tokens[i]));
                promptOffset += texts[^1].Length;
                logprobs.Add(entry?.Logprob);
                tops.Add(entry is null ? null : TopByText(entry, tokenizer, prompt.Top));
            }
        }
        var offset = textOffset;
        foreach (var t in tokens)
        {
            offsets.Add(offset);
            texts.Add(Text(tokenizer, t.TokenId));
            offset += texts[^1].Length;
            logprobs.Add(t.Logprob);
            tops.Add(TopByText(t, tokenizer, t.Top.Count));
        }
        return new
        {
            tokens = texts.ToArray(),
            token_logprobs = logprobs.ToArray(),
            top_logprobs = tops.ToArray(),
            text_offset = offsets.ToArray(),
        };
    }

    /// <summary>
    /// vLLM's <c>prompt_logprobs</c>: per prompt position null (the first) or the prompt token and the
    /// <paramref name="top"/> most likely ones, keyed by token id, each with its log-probability, rank and text.
    /// </summary>
    public static object?[] Prompt(IReadOnlyList<TokenLogprobs?> entries, ITokenizer tokenizer, int top) =>
        entries.Select(entry =>
        {
            if (entry is null)
            {
                return null;
            }
            var byId = new Dictionary<string, object>
            {
                [Id(entry.TokenId)] = new { logprob = entry.Logprob, rank = entry.Rank, decoded_token = Text(tokenizer, entry.TokenId) },
            };
            foreach (var ((id, lp), rank) in entry.Top.Take(top).Select((a, i) => (a, i + 1)))
            {
                byId.TryAdd(Id(id), new { logprob = lp, rank, decoded_token = Text(tokenizer, id) });
            }
            return (object?)byId;
        }).ToArray();

    private static string Id(int id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static Dictionary<string, float> TopByText(TokenLogprobs entry, ITokenizer tokenizer, int top)
    {
        var byText = new Dictionary<string, float>();
        foreach (var (id, lp) in entry.Top.Take(top))
        {
            byText.TryAdd(Text(tokenizer, id), lp);
        }
        return byText;
    }

    /// <summary>
    /// A token's own text (partial UTF-8 sequences show as U+FFFD, as OpenAI's do; the bytes field is exact); a control
    /// token's is its spelling (<c>&lt;s&gt;</c>, <c>&lt;|im_end|&gt;</c>), as vLLM shows it, where the tokenizer keeps it.
    /// </summary>
    private static string Text(ITokenizer tokenizer, int id) => tokenizer.SpecialText(id) ?? Encoding.UTF8.GetString(tokenizer.TokenBytes(id));

    /// <summary>The bytes of <see cref="Text"/>: exact for ordinary tokens, the spelling's for control tokens.</summary>
    private static int[] Bytes(ITokenizer tokenizer, int id) =>
        (tokenizer.SpecialText(id) is { } special ? Encoding.UTF8.GetBytes(special) : tokenizer.TokenBytes(id).ToArray()).Select(b => (int)b).ToArray();
}
