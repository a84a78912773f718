using LlmServe.Agents.Agents;
using Microsoft.Extensions.Options;

namespace LlmServe.Agents.Tests.Agents;

public sealed class AgentCatalogTests
{
    private static readonly AgentCatalog Catalog = new(Options.Create(new AgentsOptions
    {
        Agents = [new AgentDefinition { Name = "assistant", Instructions = "Help." }, new AgentDefinition { Name = "poet", Instructions = "Rhyme." }],
    }));

    [Theory]
    [InlineData("assistant", "assistant")]
    [InlineData("POET", "poet")]
    [InlineData("pirate", null)]
    public void Find_Name_MatchesIgnoringCase(string name, string? expected) =>
        Assert.Equal(expected, Catalog.Find(name)?.Name);

    [Fact]
    public void All_Configured_KeepsConfigurationOrder() =>
        Assert.Equal(["assistant", "poet"], Catalog.All.Select(a => a.Name));
}
