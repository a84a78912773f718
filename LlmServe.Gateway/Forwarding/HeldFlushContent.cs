using System.Net;

namespace LlmServe.Gateway.Forwarding;

/// <summary>
/// Another content's bytes and headers, serialized through a <see cref="HeldFlushStream"/> so that flushes before
/// the first body byte do not reach the connection.
/// </summary>
internal sealed class HeldFlushContent : HttpContent
{
    private readonly HttpContent _inner;
    private readonly long? _length;

    public HeldFlushContent(HttpContent inner)
    {
        _inner = inner;
        _length = inner.Headers.ContentLength;
        foreach (var header in inner.Headers.NonValidated)
        {
            Headers.TryAddWithoutValidation(header.Key, header.Value);
        }
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    // The public CopyToAsync wraps an IOException from the inner content in an HttpRequestException, one level deeper
    // than HttpClient's own call would; YARP classifies the failure from its content's recorded outcome, not the type.
    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        _inner.CopyToAsync(new HeldFlushStream(stream), context, cancellationToken);

    protected override bool TryComputeLength(out long length)
    {
        // The inner content's length (the client's Content-Length, for YARP's); without one the body goes chunked, as
        // it would have. Not read from this content's own headers: their getter asks this method when none is set.
        length = _length ?? -1;
        return _length is not null;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
