using LlmServe.Gateway.Registry;

namespace LlmServe.Gateway.Tests.Registry;

public sealed class ModelRegistryTests
{
    private static readonly DateTimeOffset Created = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    private static ModelRegistry CreateRegistry() => ModelRegistry.FromOptions(new GatewayOptions
    {
        Deployments =
        [
            new() { Name = "stories260k", Aliases = ["tiny", "org/Stories-260K"], Upstream = "http://worker-stories260k" },
            new() { Name = "minilm", Upstream = "http://127.0.0.1:5102", OwnedBy = "sentence-transformers" },
        ],
    }, Created);

    [Fact]
    public void ServedNames_DeploymentsWithAliases_ListsEachNameThenItsAliasesInOrder()
    {
        Assert.Equal(["stories260k", "tiny", "org/Stories-260K", "minilm"], CreateRegistry().ServedNames);
    }

    [Theory]
    [InlineData("stories260k", "stories260k")]
    [InlineData("tiny", "stories260k")]
    [InlineData("org/Stories-260K", "stories260k")]
    [InlineData("minilm", "minilm")]
    public void TryResolve_NameOrAlias_ReturnsDeployment(string model, string expectedDeployment)
    {
        Assert.True(CreateRegistry().TryResolve(model, out var served));
        Assert.Equal(model, served.Id);
        Assert.Equal(expectedDeployment, served.Deployment.Name);
        Assert.Equal(1_700_000_000, served.CreatedUnixSeconds);
    }

    [Theory]
    [InlineData("gpt-4o")]
    [InlineData("Tiny")]
    [InlineData("STORIES260K")]
    [InlineData(" tiny")]
    [InlineData("")]
    public void TryResolve_UnknownOrDifferentCase_ReturnsFalse(string model)
    {
        Assert.False(CreateRegistry().TryResolve(model, out var served));
        Assert.Null(served);
    }

    [Fact]
    public void FromOptions_Deployments_KeepsOwnerAndClassifiesUpstream()
    {
        var registry = CreateRegistry();

        var discovered = registry.Deployments[0];
        var fixedAddress = registry.Deployments[1];
        Assert.Equal("llmserve", discovered.OwnedBy);
        Assert.False(discovered.IsStatic);
        Assert.Equal("sentence-transformers", fixedAddress.OwnedBy);
        Assert.True(fixedAddress.IsStatic);
    }

    [Fact]
    public void Empty_HasNoModels()
    {
        Assert.Empty(ModelRegistry.Empty.Models);
        Assert.False(ModelRegistry.Empty.TryResolve("anything", out _));
    }
}
