using System.Text;

namespace LlmServe.Worker.Tokenization;

/// <summary>
/// Turns a stream of token ids into text deltas without ever splitting a UTF-8 sequence: bytes of an incomplete
/// character (a token may carry half of an emoji) wait until the rest arrives.
/// </summary>
/// <param name="skipSpecialTokens">False renders control tokens as their own text (vLLM's skip_special_tokens).</param>
internal sealed class IncrementalDetokenizer(ITokenizer tokenizer, bool skipSpecialTokens = true)
{
    private readonly List<byte> _pending = [];

    /// <summary>Adds a token and returns the text that became complete (possibly empty).</summary>
    public string Push(int id)
    {
        if (!skipSpecialTokens && tokenizer.SpecialText(id) is { } special)
        {
            _pending.AddRange(Encoding.UTF8.GetBytes(special));
        }
        _pending.AddRange(tokenizer.TokenBytes(id).ToArray());
        var complete = CompletePrefixLength(_pending);
        if (complete == 0)
        {
            return string.Empty;
        }
        var text = Encoding.UTF8.GetString(_pending.GetRange(0, complete).ToArray());
        _pending.RemoveRange(0, complete);
        return text;
    }

    /// <summary>Whatever is left at the end of the stream (invalid bytes become U+FFFD, as a batch decode would).</summary>
    public string Flush()
    {
        var text = Encoding.UTF8.GetString(_pending.ToArray());
        _pending.Clear();
        return text;
    }

    /// <summary>Length of the longest prefix that does not end inside an unfinished multi-byte sequence.</summary>
    internal static int CompletePrefixLength(IReadOnlyList<byte> bytes)
    {
        var n = bytes.Count;
        // Walk back over at most 3 continuation bytes to the lead byte of the last sequence.
        for (var back = 1; back <= Math.Min(4, n); back++)
        {
            var b = bytes[n - back];
            if ((b & 0xC0) == 0x80)
            {
                continue;   // continuation byte
            }
            var needed = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
            return needed > back ? n - back : n;
        }
        return n;
    }
}
