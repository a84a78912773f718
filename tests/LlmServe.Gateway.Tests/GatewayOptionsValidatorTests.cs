namespace LlmServe.Gateway.Tests;

public sealed class GatewayOptionsValidatorTests
{
    private static DeploymentOptions Deployment(string name, string upstream = "http://worker", params string[] aliases) =>
        new() { Name = name, Upstream = upstream, Aliases = aliases };

    [Fact]
    public void Validate_NoDeployments_Succeeds()
    {
        Assert.True(new GatewayOptionsValidator().Validate(null, new GatewayOptions()).Succeeded);
    }

    [Fact]
    public void Validate_DistinctNamesAndValidUpstreams_Succeeds()
    {
        var options = new GatewayOptions
        {
            Deployments = [Deployment("a", "http://worker-a", "a1"), Deployment("b", "http://127.0.0.1:5101", "b1", "b2")],
        };

        Assert.True(new GatewayOptionsValidator().Validate(null, options).Succeeded);
    }

    public static TheoryData<string, string> InvalidDeployments => new()
    {
        { "", "Name is required" },
        { "dup-name", "Name 'a' is already used" },
        { "alias-is-name", "Aliases 'a' is already used" },
        { "empty-alias", "Aliases must not contain empty names" },
        { "bad-upstream", "Upstream 'worker' must be an absolute http(s) URL" },
    };

    [Theory]
    [MemberData(nameof(InvalidDeployments))]
    public void Validate_InvalidDeployment_FailsWithReason(string scenario, string expected)
    {
        var second = scenario switch
        {
            "dup-name" => Deployment("a"),
            "alias-is-name" => Deployment("b", "http://worker", "a"),
            "empty-alias" => Deployment("b", "http://worker", " "),
            "bad-upstream" => Deployment("b", "worker"),
            _ => Deployment(""),
        };
        var options = new GatewayOptions { Deployments = [Deployment("a"), second] };

        var result = new GatewayOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NonPositiveIdleTimeout_Fails()
    {
        var result = new GatewayOptionsValidator().Validate(null, new GatewayOptions { UpstreamIdleTimeout = TimeSpan.Zero });

        Assert.True(result.Failed);
    }
}
