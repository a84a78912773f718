using System.Text;
using System.Text.RegularExpressions;
using LlmServe.Gateway.Forwarding;

namespace LlmServe.Gateway.Auth;

/// <summary>
/// Passes the response through unchanged while keeping its last few KiB, where both a JSON body's and a stream's
/// final chunk carry <c>"usage":{...,"total_tokens":N}</c>.
/// </summary>
internal sealed partial class UsageTailStream(Stream inner) : ObservingWriteStream(inner)
{
    private const int TailBytes = 4096;
    private readonly byte[] _tail = new byte[TailBytes];
    private int _length;

    /// <summary>The last <c>total_tokens</c> the response carried, or null.</summary>
    public long? TotalTokens()
    {
        var matches = TotalTokensPattern().Matches(Encoding.UTF8.GetString(_tail, 0, _length));
        return matches.Count > 0 && long.TryParse(matches[^1].Groups[1].ValueSpan, out var n) ? n : null;
    }

    protected override void Observe(ReadOnlySpan<byte> data)
    {
        if (data.Length >= TailBytes)
        {
            data[^TailBytes..].CopyTo(_tail);
            _length = TailBytes;
            return;
        }
        var keep = Math.Min(_length, TailBytes - data.Length);
        Buffer.BlockCopy(_tail, _length - keep, _tail, 0, keep);
        data.CopyTo(_tail.AsSpan(keep));
        _length = keep + data.Length;
    }

    [GeneratedRegex("\"total_tokens\"\\s*:\\s*(\\d+)")]
    private static partial Regex TotalTokensPattern();
}
