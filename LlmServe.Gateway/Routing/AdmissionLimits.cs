namespace LlmServe.Gateway.Routing;

/// <summary>A deployment's backpressure settings (see <see cref="DeploymentOptions"/> for each field).</summary>
internal sealed record AdmissionLimits(int MaxOngoingRequests, int MaxQueuedRequests, TimeSpan? QueueTimeout, int StatusCode, int RetryAfterSeconds)
{
    public static AdmissionLimits Unlimited { get; } = new(0, -1, null, StatusCodes.Status503ServiceUnavailable, 1);

    public bool IsLimited => MaxOngoingRequests > 0;

    public static AdmissionLimits FromOptions(DeploymentOptions options) => new(options.MaxOngoingRequests,
        options.MaxQueuedRequests, options.QueueTimeout, options.BackpressureStatusCode, options.RetryAfterSeconds);
}
