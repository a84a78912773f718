namespace LlmServe.Gateway.Tests.Infrastructure;

/// <summary>API test classes share one gateway and one fake worker; starting a host per class would dominate the run time.</summary>
[CollectionDefinition(Name)]
public sealed class GatewayCollection : ICollectionFixture<GatewayFixture>
{
    public const string Name = "Gateway";
}
