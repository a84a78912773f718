using LlmServe.Gateway.Routing;
using Microsoft.Extensions.Options;

namespace LlmServe.Gateway;

/// <summary>
/// Rejects configurations the registry could not serve unambiguously: at start (ValidateOnStart) and on every
/// reload, so a bad edit never silently replaces a good routing table.
/// </summary>
internal sealed class GatewayOptionsValidator : IValidateOptions<GatewayOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        var failures = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);

        if (options.UpstreamIdleTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{GatewayOptions.SectionName}:UpstreamIdleTimeout must be positive.");
        }

        var resilience = options.Resilience;
        if (resilience.MaxRetries < 0 || resilience.ConsecutiveFailures < 0 || resilience.EjectionDuration <= TimeSpan.Zero
            || resilience.HealthCheckTimeout <= TimeSpan.Zero || resilience.ConnectTimeout <= TimeSpan.Zero || resilience.FirstByteTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{GatewayOptions.SectionName}:Resilience: counts must be >= 0 and durations positive.");
        }

        failures.AddRange(Auth.AuthOptionsValidator.Validate(options.Auth));
        if (options.Routing.Policy is not (RoutingPolicies.PowerOfTwoChoices or RoutingPolicies.PrefixAffinity)
            || options.Routing.PrefixBlockCharacters <= 0 || options.Routing.PrefixBlocks <= 0 || options.Routing.ImbalanceThreshold < 0)
        {
            failures.Add($"{GatewayOptions.SectionName}:Routing: Policy must be {RoutingPolicies.PowerOfTwoChoices} or {RoutingPolicies.PrefixAffinity}; sizes positive.");
        }

        for (var i = 0; i < options.Deployments.Count; i++)
        {
            var deployment = options.Deployments[i];
            var path = $"{GatewayOptions.SectionName}:Deployments:{i}";
            if (string.IsNullOrWhiteSpace(deployment.Name))
            {
                failures.Add($"{path}:Name is required.");
            }
            else if (!seen.Add(deployment.Name))
            {
                failures.Add($"{path}:Name '{deployment.Name}' is already used by another deployment or alias.");
            }

            foreach (var alias in deployment.Aliases)
            {
                if (string.IsNullOrWhiteSpace(alias))
                {
                    failures.Add($"{path}:Aliases must not contain empty names.");
                }
                else if (!seen.Add(alias))
                {
                    failures.Add($"{path}:Aliases '{alias}' is already used by another deployment or alias.");
                }
            }

            if (deployment.Autoscaling is { } autoscaling)
            {
                failures.AddRange(autoscaling.Validate($"{path}:Autoscaling"));
            }

            failures.AddRange(DeploymentVersionsValidator.ValidateAdmission(path, deployment));
            if (deployment.Versions.Count > 0)
            {
                failures.AddRange(DeploymentVersionsValidator.Validate(path, deployment));
            }
            else if (!UpstreamAddress.TryParse(deployment.Upstream, out _))
            {
                failures.Add($"{path}:Upstream '{deployment.Upstream}' must be an absolute http(s) URL.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
