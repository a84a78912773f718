using LlmServe.Gateway.Routing;

namespace LlmServe.Gateway;

/// <summary>The checks a deployment's <see cref="DeploymentOptions.Versions"/> and admission limits must pass.</summary>
internal static class DeploymentVersionsValidator
{
    public static IEnumerable<string> ValidateAdmission(string path, DeploymentOptions deployment)
    {
        if (deployment.MaxOngoingRequests < 0)
        {
            yield return $"{path}:MaxOngoingRequests must be >= 0 (0 = no cap).";
        }
        if (deployment.MaxQueuedRequests < -1)
        {
            yield return $"{path}:MaxQueuedRequests must be >= -1 (-1 = unbounded).";
        }
        if (deployment.QueueTimeout is { } timeout && timeout <= TimeSpan.Zero)
        {
            yield return $"{path}:QueueTimeout must be positive when set.";
        }
        if (deployment.BackpressureStatusCode is not (StatusCodes.Status429TooManyRequests or StatusCodes.Status503ServiceUnavailable))
        {
            yield return $"{path}:BackpressureStatusCode must be 429 or 503.";
        }
        if (deployment.RetryAfterSeconds < 0)
        {
            yield return $"{path}:RetryAfterSeconds must be >= 0.";
        }
    }

    public static IEnumerable<string> Validate(string path, DeploymentOptions deployment)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var v = 0; v < deployment.Versions.Count; v++)
        {
            var version = deployment.Versions[v];
            var versionPath = $"{path}:Versions:{v}";
            if (string.IsNullOrWhiteSpace(version.Name) || !names.Add(version.Name))
            {
                yield return $"{versionPath}:Name must be non-empty and unique within the deployment.";
            }
            if (!double.IsFinite(version.Weight) || version.Weight < 0)
            {
                yield return $"{versionPath}:Weight must be a finite number >= 0.";
            }
            if (!UpstreamAddress.TryParse(version.Upstream, out _))
            {
                yield return $"{versionPath}:Upstream '{version.Upstream}' must be an absolute http(s) URL.";
            }
        }
        if (deployment.Versions.Sum(v => double.IsFinite(v.Weight) && v.Weight > 0 ? v.Weight : 0) <= 0)
        {
            yield return $"{path}:Versions must give at least one version a positive weight.";
        }
        if (!string.IsNullOrWhiteSpace(deployment.Upstream) && !UpstreamAddress.TryParse(deployment.Upstream, out _))
        {
            yield return $"{path}:Upstream '{deployment.Upstream}' must be an absolute http(s) URL.";
        }
    }
}
