using Microsoft.AspNetCore.Http.Features;

namespace LlmServe.Gateway.Forwarding;

/// <summary>
/// Stands in for the request lifetime feature while YARP forwards, so that YARP's <c>Abort()</c> after an upstream
/// failure mid-stream is only recorded: the forwarder can then end an SSE stream with an OpenAI-shaped error event
/// instead of a bare connection reset, and aborts for real only when that is not possible.
/// </summary>
internal sealed class DeferredAbortFeature(IHttpRequestLifetimeFeature inner) : IHttpRequestLifetimeFeature
{
    public IHttpRequestLifetimeFeature Inner { get; } = inner;

    public bool AbortRequested { get; private set; }

    public CancellationToken RequestAborted
    {
        get => Inner.RequestAborted;
        set => Inner.RequestAborted = value;
    }

    public void Abort() => AbortRequested = true;
}
