using LlmServe.Gateway.Forwarding;

namespace LlmServe.Gateway.Tests.Forwarding;

public sealed class HeldFlushStreamTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Flush_BeforeAnyByte_DoesNotReachTheInnerStream()
    {
        var inner = new CountingStream();
        var stream = new HeldFlushStream(inner);

        await stream.FlushAsync(Cancellation);
        stream.Flush();
        await stream.WriteAsync(ReadOnlyMemory<byte>.Empty, Cancellation);
        await stream.FlushAsync(Cancellation);

        Assert.Equal(0, inner.Flushes);
    }

    [Fact]
    public async Task Flush_AfterBytes_ReachesTheInnerStreamEachTime()
    {
        var inner = new CountingStream();
        var stream = new HeldFlushStream(inner);

        await stream.WriteAsync(new byte[] { 1, 2 }, Cancellation);
        await stream.FlushAsync(Cancellation);
        stream.Write([3], 0, 1);
        stream.Flush();

        Assert.Equal(2, inner.Flushes);
        Assert.Equal([1, 2, 3], inner.ToArray());
    }

    [Fact]
    public async Task Flush_BeforeAnyByte_WithACancelledToken_IsCancelled()
    {
        var inner = new CountingStream();
        var stream = new HeldFlushStream(inner);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stream.FlushAsync(cancelled.Token));
        Assert.Equal(0, inner.Flushes);
    }

    [Fact]
    public void Stream_IsWriteOnly()
    {
        var stream = new HeldFlushStream(new MemoryStream());

        Assert.True(stream.CanWrite);
        Assert.False(stream.CanRead);
        Assert.False(stream.CanSeek);
        Assert.Throws<NotSupportedException>(() => stream.Read(new byte[1], 0, 1));
    }

    private sealed class CountingStream : MemoryStream
    {
        public int Flushes { get; private set; }

        public override void Flush() => Flushes++;

        public override Task FlushAsync(CancellationToken cancellationToken)
        {
            Flushes++;
            return Task.CompletedTask;
        }
    }
}
