namespace LlmServe.Agents.Tests;

public sealed class AgentsOptionsValidatorTests
{
    [Fact]
    public void Validate_OneValidAgent_Succeeds()
    {
        Assert.True(new AgentsOptionsValidator().Validate(null, Valid()).Succeeded);
    }

    [Fact]
    public void Validate_NoAgents_Fails()
    {
        var options = Valid();
        options.Agents.Clear();

        Assert.Equal(["Agents must define at least one agent."], new AgentsOptionsValidator().Validate(null, options).Failures);
    }

    [Theory]
    [InlineData("has space", "Agents[0].Name")]
    [InlineData("", "Agents[0].Name")]
    public void Validate_BadAgentName_FailsNamingIt(string name, string expectedPrefix)
    {
        var options = Valid();
        options.Agents[0].Name = name;

        Assert.StartsWith(expectedPrefix, Assert.Single(new AgentsOptionsValidator().Validate(null, options).Failures ?? []),
            StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Tools", "shell", "Agents[0].Tools lists 'shell'")]
    [InlineData("ToolChoice", "sometimes", "Agents[0].ToolChoice")]
    [InlineData("MaxSteps", "0", "Agents[0].MaxSteps")]
    [InlineData("TimeBudget", "-00:00:01", "Agents[0].TimeBudget")]
    public void Validate_BadToolSettings_FailNamingThem(string setting, string value, string expectedPrefix)
    {
        var options = Valid();
        var agent = options.Agents[0];
        switch (setting)
        {
            case "Tools": agent.Tools.Add(value); break;
            case "ToolChoice": agent.ToolChoice = value; break;
            case "MaxSteps": agent.MaxSteps = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
            default: agent.TimeBudget = TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
        }

        Assert.StartsWith(expectedPrefix, Assert.Single(new AgentsOptionsValidator().Validate(null, options).Failures ?? []),
            StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_DuplicateNamesIgnoringCase_Fails()
    {
        var options = Valid();
        options.Agents.Add(new AgentDefinition { Name = "ASSISTANT", Instructions = "Other." });

        Assert.Equal(["Agents[1].Name 'ASSISTANT' is defined twice."], new AgentsOptionsValidator().Validate(null, options).Failures);
    }

    [Fact]
    public void Validate_BadSettings_ReportsEachOne()
    {
        var options = Valid();
        options.GatewayUrl = "not a url";
        options.Model = "";
        options.Agents[0].Instructions = " ";
        options.Agents[0].MaxTokens = 0;
        options.Agents[0].Temperature = 2.5;

        var failures = (new AgentsOptionsValidator().Validate(null, options).Failures ?? []).ToList();

        Assert.Equal(5, failures.Count);
        Assert.Equal(["GatewayUrl", "Model", "Agents[0].Instructions", "Agents[0].MaxTokens", "Agents[0].Temperature"],
            failures.Select(f => f.Split(' ')[0]));
    }

    private static AgentsOptions Valid() => new()
    {
        Agents = [new AgentDefinition { Name = "assistant", Instructions = "Help." }],
    };
}
