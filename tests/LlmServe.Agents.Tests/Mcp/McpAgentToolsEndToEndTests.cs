using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LlmServe.Agents.Tests.Infrastructure;

namespace LlmServe.Agents.Tests.Mcp;

/// <summary>
/// An agent with tools from the real MCP test server, invoked over HTTP: Semantic Kernel's tool loop calls the tool
/// the (fake) gateway asks for, through the tool filter, and sends the result back in the next model call.
/// </summary>
public sealed class McpAgentToolsEndToEndTests
{
    private const string Agent = "mcp_agent";

    [Fact]
    public async Task Invoke_ModelCallsMcpTool_ResultGoesBackToTheModelAndIntoTheSteps()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var gateway = await ToolCallingGateway.StartAsync("mcptest-add", """{"a":2,"b":3}""", ct);
        await using var app = new AgentsAppFactory(gateway.BaseUrl, Settings());
        using var client = app.CreateClient();

        using var response = await client.PostAsJsonAsync($"/v1/agents/{Agent}/invoke", new { input = "What is 2+3?" }, ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, gateway.Requests.Count);
        var offered = gateway.Requests[0].Json.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal(["mcptest-add", "mcptest-echo", "mcptest-exit", "mcptest-fail", "mcptest-sleep"], offered.Order());
        Assert.Equal("5", ToolCallingGateway.ToolMessage(gateway.Requests[1]));
        var tool = ToolStep(await response.Content.ReadFromJsonAsync<JsonElement>(ct));
        Assert.Equal(("mcptest-add", false, "5"), (tool.GetProperty("tool").GetString(), tool.GetProperty("failed").GetBoolean(), tool.GetProperty("result").GetString()));
    }

    [Fact]
    public async Task Invoke_AgentNamesSingleTools_OnlyThoseAreOffered()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var gateway = await ToolCallingGateway.StartAsync("mcptest-echo", """{"text":"hi"}""", ct);
        var settings = Settings();
        settings["Agents:Agents:4:Tools:0"] = $"mcp:{McpTestServer.Name}/echo";
        settings["Agents:Agents:4:Tools:1"] = $"mcp:{McpTestServer.Name}/add";
        settings["Agents:Agents:4:Tools:2"] = "calculator";
        await using var app = new AgentsAppFactory(gateway.BaseUrl, settings);
        using var client = app.CreateClient();

        using var response = await client.PostAsJsonAsync($"/v1/agents/{Agent}/invoke", new { input = "Echo hi." }, ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var offered = gateway.Requests[0].Json.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal(["calculator-evaluate", "mcptest-add", "mcptest-echo"], offered.Order());
        Assert.Equal(McpTestServer.Prefix + "hi", ToolCallingGateway.ToolMessage(gateway.Requests[1]));
    }

    [Fact]
    public async Task Invoke_McpToolFails_ModelGetsTheErrorAsToolResult()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var gateway = await ToolCallingGateway.StartAsync("mcptest-fail", "{}", ct);
        await using var app = new AgentsAppFactory(gateway.BaseUrl, Settings());
        using var client = app.CreateClient();

        using var response = await client.PostAsJsonAsync($"/v1/agents/{Agent}/invoke", new { input = "Fail." }, ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var tool = ToolStep(await response.Content.ReadFromJsonAsync<JsonElement>(ct));
        Assert.True(tool.GetProperty("failed").GetBoolean());
        Assert.StartsWith("Error: ", tool.GetProperty("result").GetString(), StringComparison.Ordinal);
        Assert.EndsWith("the fail tool always fails", ToolCallingGateway.ToolMessage(gateway.Requests[1]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_McpToolSlowerThanToolTimeout_FailsTheToolNotTheRun()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var gateway = await ToolCallingGateway.StartAsync("mcptest-sleep", """{"milliseconds":30000}""", ct);
        var settings = Settings();
        settings["Agents:ToolTimeout"] = "00:00:01";
        await using var app = new AgentsAppFactory(gateway.BaseUrl, settings);
        using var client = app.CreateClient();

        using var response = await client.PostAsJsonAsync($"/v1/agents/{Agent}/invoke", new { input = "Sleep." }, ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var tool = ToolStep(await response.Content.ReadFromJsonAsync<JsonElement>(ct));
        Assert.True(tool.GetProperty("failed").GetBoolean());
        Assert.Equal("Error: the tool did not finish within 1 s.", tool.GetProperty("result").GetString());
        Assert.True(tool.GetProperty("duration_ms").GetDouble() < 10_000);
    }

    [Fact]
    public async Task Invoke_McpServerDown_Returns503AndHealthIsDegraded()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var gateway = await ToolCallingGateway.StartAsync("mcptest-add", "{}", ct);
        await using var app = new AgentsAppFactory(gateway.BaseUrl, Settings(command: "llmserve-no-such-mcp-server"));
        using var client = app.CreateClient();

        using var response = await client.PostAsJsonAsync($"/v1/agents/{Agent}/invoke", new { input = "hi" }, ct);
        using var health = await client.GetAsync(new Uri("/health", UriKind.Relative), ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("error");
        Assert.Equal("service_unavailable", error.GetProperty("type").GetString());
        Assert.Equal("tool_server_unavailable", error.GetProperty("code").GetString());
        Assert.Contains("MCP server `mcptest` is unavailable", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Empty(gateway.Requests);
        Assert.Equal("Degraded", await health.Content.ReadAsStringAsync(ct));
    }

    /// <summary>The test server plus an agent that may use all its tools.</summary>
    private static Dictionary<string, string?> Settings(string command = "dotnet")
    {
        var settings = McpTestServer.Settings(command: command);
        settings[$"Agents:Agents:4:Name"] = Agent;
        settings[$"Agents:Agents:4:Instructions"] = "Use the tools.";
        settings[$"Agents:Agents:4:Tools:0"] = $"mcp:{McpTestServer.Name}";
        return settings;
    }

    private static JsonElement ToolStep(JsonElement run) =>
        Assert.Single(run.GetProperty("steps").EnumerateArray(), s => s.GetProperty("kind").GetString() == "tool_call");
}
