using System.Net;
using System.Text;
using System.Text.Json;
using LlmServe.IntegrationTests.Infrastructure;

namespace LlmServe.IntegrationTests;

/// <summary>
/// An agent whose tool lives in a stdio MCP server the agents service started, driven by the real worker's forced
/// tool call, watched as a streamed invocation.
/// </summary>
[Collection(AppHostCollection.Name)]
public sealed class AgentMcpToolsTests(AppHostFixture fixture)
{
    [Fact]
    public async Task StreamedInvoke_McpToolCalledWithTheModelsArguments_StepsArriveAsEvents()
    {
        var ct = TestContext.Current.CancellationToken;
        using var agents = fixture.CreateClient("agents");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/agents/{TestAgents.Mcp}/invoke")
        {
            Content = new StringContent("""{"input":"Say hello.","stream":true}""", Encoding.UTF8, "application/json"),
        };

        using var response = await agents.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        var body = await response.Content.ReadAsStringAsync(ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var events = body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("data: [DONE]", events[^1]);
        var data = events[..^1].Select(e => JsonDocument.Parse(e[(e.IndexOf("data: ", StringComparison.Ordinal) + 6)..]).RootElement).ToList();
        // The whole stream in the message: the tiny model's call is the first thing to look at when this fails.
        Assert.True(data.Count(d => d.GetProperty("type").GetString() == "agent.tool_call.completed") == 1, body);
        var tool = Assert.Single(data, d => d.GetProperty("type").GetString() == "agent.tool_call.completed");
        Assert.Equal($"{TestAgents.McpServer}-add", tool.GetProperty("tool").GetString());
        Assert.False(tool.GetProperty("failed").GetBoolean(), tool.GetProperty("result").GetString());
        var arguments = JsonDocument.Parse(tool.GetProperty("arguments").GetString()!).RootElement;
        Assert.Equal(long.Parse(Text(arguments, "a")) + long.Parse(Text(arguments, "b")), long.Parse(tool.GetProperty("result").GetString()!));
        var run = data[^1];
        Assert.Equal("agent.run.completed", run.GetProperty("type").GetString());
        Assert.Equal("completed", run.GetProperty("stop_reason").GetString());
    }

    /// <summary>An argument as Semantic Kernel recorded it: the model's value as text.</summary>
    private static string Text(JsonElement arguments, string name) =>
        arguments.GetProperty(name) is { ValueKind: JsonValueKind.String } text ? text.GetString()! : arguments.GetProperty(name).GetRawText();
}
