namespace LlmServe.Gateway.Tests;

/// <summary>Validation of versions, admission, resilience, auth and routing settings.</summary>
public sealed class GatewayOptionsValidatorExtensionTests
{
    private static DeploymentOptions Versioned(params (string Name, double Weight, string Upstream)[] versions) => new()
    {
        Name = "split",
        Versions = versions.Select(v => new DeploymentVersionOptions { Name = v.Name, Weight = v.Weight, Upstream = v.Upstream }).ToList(),
    };

    public static TheoryData<string, string> Invalid => new()
    {
        { "dup-version", "Name must be non-empty and unique within the deployment" },
        { "negative-weight", "Weight must be a finite number >= 0" },
        { "zero-weights", "at least one version a positive weight" },
        { "version-upstream", "Upstream 'nope' must be an absolute http(s) URL" },
        { "status", "BackpressureStatusCode must be 429 or 503" },
        { "queue", "MaxQueuedRequests must be >= -1" },
        { "key-hash", "KeyHash must be a hex SHA-256" },
        { "policy", "Routing: Policy must be" },
        { "resilience", "Resilience: counts must be >= 0" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Validate_InvalidSetting_FailsWithReason(string scenario, string expected)
    {
        var options = new GatewayOptions();
        DeploymentOptions deployment = scenario switch
        {
            "dup-version" => Versioned(("a", 1, "http://w1"), ("a", 1, "http://w2")),
            "negative-weight" => Versioned(("a", -1, "http://w1"), ("b", 1, "http://w2")),
            "zero-weights" => Versioned(("a", 0, "http://w1")),
            "version-upstream" => Versioned(("a", 1, "nope")),
            _ => new DeploymentOptions { Name = "d", Upstream = "http://worker" },
        };
        if (scenario == "status") { deployment.BackpressureStatusCode = 500; }
        if (scenario == "queue") { deployment.MaxQueuedRequests = -2; }
        if (scenario == "key-hash") { options.Auth.Keys.Add(new ApiKeyOptions { Name = "k", KeyHash = "sk-plaintext" }); }
        if (scenario == "policy") { options.Routing.Policy = "RoundRobin"; }
        if (scenario == "resilience") { options.Resilience.MaxRetries = -1; }
        options.Deployments.Add(deployment);

        var result = new GatewayOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_VersionsWithoutUpstream_Succeeds()
    {
        var options = new GatewayOptions { Deployments = [Versioned(("stable", 9, "http://w1"), ("canary", 1, "http://w2:8000"))] };

        Assert.True(new GatewayOptionsValidator().Validate(null, options).Succeeded);
    }
}
