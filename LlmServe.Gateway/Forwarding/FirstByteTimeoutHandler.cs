using Microsoft.Extensions.Options;

namespace LlmServe.Gateway.Forwarding;

/// <summary>
/// Bounds the wait for an upstream's response headers (time to first token for a stream) by
/// <see cref="ResilienceOptions.FirstByteTimeout"/>; the body is not affected, silences there fall to the idle timeout.
/// </summary>
internal sealed class FirstByteTimeoutHandler(HttpMessageHandler inner, IOptionsMonitor<GatewayOptions> options, TimeProvider time)
    : DelegatingHandler(inner)
{
    // Without a timeout (the default) the call passes straight through: no async frame of its own on every request.
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        options.CurrentValue.Resilience.FirstByteTimeout is { } timeout
            ? SendWithDeadlineAsync(request, timeout, cancellationToken)
            : base.SendAsync(request, cancellationToken);

    private async Task<HttpResponseMessage> SendWithDeadlineAsync(HttpRequestMessage request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            return await base.SendAsync(request, linked.Token);
        }
        catch (OperationCanceledException ex) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"No response headers within the first-byte timeout of {timeout}.", ex);
        }
    }
}
