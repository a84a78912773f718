namespace LlmServe.Gateway.Forwarding;

/// <summary>
/// Lets a forwarded request leave in one write. YARP's request content flushes the request headers before it copies
/// the body, so that an upstream can start on a body the client is still streaming; the gateway has always read the
/// whole body before it forwards (to validate and route it), so for it that early flush only costs a second send and
/// a second wake-up of the worker on every request. Wrapping the content holds back flushes until body bytes follow;
/// HttpClient's own flush after the content then sends the headers and a small body together.
/// </summary>
internal sealed class OneWriteRequestHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Content is { } content and not HeldFlushContent)
        {
            request.Content = new HeldFlushContent(content);
        }
        return base.SendAsync(request, cancellationToken);
    }
}
