using System.Text;
using System.Text.RegularExpressions;

namespace LlmServe.Gateway.Auth;

/// <summary>
/// Passes the response through unchanged while keeping its last few KiB, where both a JSON body's and a stream's
/// final chunk carry <c>"usage":{...,"total_tokens":N}</c>.
/// </summary>
internal sealed partial class UsageTailStream(Stream inner) : Stream
{
    private const int TailBytes = 4096;
    private readonly byte[] _tail = new byte[TailBytes];
    private int _length;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>The last <c>total_tokens</c> the response carried, or null.</summary>
    public long? TotalTokens()
    {
        var matches = TotalTokensPattern().Matches(Encoding.UTF8.GetString(_tail, 0, _length));
        return matches.Count > 0 && long.TryParse(matches[^1].Groups[1].ValueSpan, out var n) ? n : null;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Remember(buffer);
        inner.Write(buffer);
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Remember(buffer.Span);
        await inner.WriteAsync(buffer, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private void Remember(ReadOnlySpan<byte> data)
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
