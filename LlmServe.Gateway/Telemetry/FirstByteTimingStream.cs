using LlmServe.Gateway.Forwarding;

namespace LlmServe.Gateway.Telemetry;

/// <summary>
/// Passes response bytes through and remembers when the first one was written: the gateway-side time to first
/// token for a stream (first SSE chunk) and time to the whole answer for a JSON body.
/// </summary>
internal sealed class FirstByteTimingStream(Stream inner, TimeProvider time) : ObservingWriteStream(inner)
{
    /// <summary>The <see cref="TimeProvider.GetTimestamp"/> of the first non-empty write, or 0.</summary>
    public long FirstWriteTimestamp { get; private set; }

    protected override void Observe(ReadOnlySpan<byte> data)
    {
        if (data.Length > 0 && FirstWriteTimestamp == 0)
        {
            FirstWriteTimestamp = time.GetTimestamp();
        }
    }
}
