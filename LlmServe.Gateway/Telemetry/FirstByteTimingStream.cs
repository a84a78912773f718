namespace LlmServe.Gateway.Telemetry;

/// <summary>
/// Passes response bytes through and remembers when the first one was written: the gateway-side time to first
/// token for a stream (first SSE chunk) and time to the whole answer for a JSON body.
/// </summary>
internal sealed class FirstByteTimingStream(Stream inner, TimeProvider time) : Stream
{
    /// <summary>The <see cref="TimeProvider.GetTimestamp"/> of the first non-empty write, or 0.</summary>
    public long FirstWriteTimestamp { get; private set; }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Mark(buffer.Length);
        inner.Write(buffer);
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Mark(buffer.Length);
        return inner.WriteAsync(buffer, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private void Mark(int length)
    {
        if (length > 0 && FirstWriteTimestamp == 0)
        {
            FirstWriteTimestamp = time.GetTimestamp();
        }
    }
}
