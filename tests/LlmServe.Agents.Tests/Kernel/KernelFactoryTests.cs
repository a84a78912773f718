using LlmServe.Agents.Kernel;

namespace LlmServe.Agents.Tests.Kernel;

public sealed class KernelFactoryTests
{
    [Theory]
    [InlineData("http://gateway", "http://gateway/v1")]
    [InlineData("http://gateway/", "http://gateway/v1")]
    [InlineData("https://llm.example.com/serve", "https://llm.example.com/serve/v1")]
    public void GatewayEndpoint_GatewayUrl_AppendsV1(string gatewayUrl, string expected) =>
        Assert.Equal(new Uri(expected), KernelFactory.GatewayEndpoint(gatewayUrl));
}
