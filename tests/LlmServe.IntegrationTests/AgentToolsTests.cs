using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LlmServe.IntegrationTests.Infrastructure;

namespace LlmServe.IntegrationTests;

/// <summary>
/// Agents with tools on the whole system: Semantic Kernel's tool loop in the agents service, model calls through the
/// gateway to the real worker (whose forced tool calls parse), tool results fed back, budgets and traces.
/// </summary>
[Collection(AppHostCollection.Name)]
public sealed class AgentToolsTests(AppHostFixture fixture)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private async Task<(HttpStatusCode Status, JsonElement Body)> InvokeAsync(string agent, string? traceId = null)
    {
        using var agents = fixture.CreateClient("agents");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/agents/{agent}/invoke")
        {
            Content = new StringContent("""{"input":"What time is it, and what is 6 times 7?"}""", Encoding.UTF8, "application/json"),
        };
        if (traceId is not null)
        {
            request.Headers.Add("traceparent", $"00-{traceId}-{Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()[..8])}-01");
        }
        var response = await agents.SendAsync(request, Token);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>(Token));
    }

    private static List<JsonElement> Steps(JsonElement body) => [.. body.GetProperty("steps").EnumerateArray()];

    [Fact]
    public async Task ToolLoop_CallsTheTool_FeedsTheResultBack_AndAnswers()
    {
        var (status, body) = await InvokeAsync(TestAgents.Clock);

        Assert.Equal(HttpStatusCode.OK, status);
        var steps = Steps(body);
        Assert.Equal(["model_call", "tool_call", "model_call"], steps.Select(s => s.GetProperty("kind").GetString()));
        Assert.Equal("clock-now", steps[1].GetProperty("tool").GetString());
        Assert.False(steps[1].GetProperty("failed").GetBoolean());
        Assert.True(DateTimeOffset.TryParse(steps[1].GetProperty("result").GetString(), out var now));
        Assert.True(Math.Abs((DateTimeOffset.UtcNow - now).TotalMinutes) < 5);
        Assert.Equal("completed", body.GetProperty("stop_reason").GetString());
        Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("output").GetString()));
    }

    [Fact]
    public async Task StepBudget_StopsTheLoopAfterTheLastAllowedModelCall()
    {
        var (status, body) = await InvokeAsync(TestAgents.OneStep);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["model_call", "tool_call"], Steps(body).Select(s => s.GetProperty("kind").GetString()));
        Assert.Equal("step_limit", body.GetProperty("stop_reason").GetString());
    }

    [Fact]
    public async Task TimeBudget_EndsTheInvocationWith504()
    {
        var (status, body) = await InvokeAsync(TestAgents.Hurried);

        Assert.Equal(HttpStatusCode.GatewayTimeout, status);
        Assert.Equal("time_budget_exceeded", body.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task ToolError_GoesBackToTheModelAsTheToolResult()
    {
        // The tiny model writes story text where the calculator wants arithmetic: the tool fails every time.
        var (status, body) = await InvokeAsync(TestAgents.Calculator);

        Assert.Equal(HttpStatusCode.OK, status);
        var steps = Steps(body);
        var tool = Assert.Single(steps, s => s.GetProperty("kind").GetString() == "tool_call");
        Assert.True(tool.GetProperty("failed").GetBoolean());
        Assert.StartsWith("Error: ", tool.GetProperty("result").GetString());
        Assert.Equal("model_call", steps[^1].GetProperty("kind").GetString());   // the model read the error and answered
        Assert.Equal("completed", body.GetProperty("stop_reason").GetString());
    }

    [Fact]
    public async Task Trace_ShowsTheAgentEachModelCallAndTheToolCall()
    {
        var traceId = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());

        var (status, _) = await InvokeAsync(TestAgents.Clock, traceId);

        Assert.Equal(HttpStatusCode.OK, status);
        ReceivedSpan[] spans = [];
        for (var i = 0; i < 100 && !Complete(spans); i++)
        {
            await Task.Delay(200, Token);
            spans = fixture.Traces.Spans.Where(s => s.TraceId == traceId).ToArray();
        }
        Assert.True(Complete(spans), $"spans of the trace: {string.Join(", ", spans.Select(s => $"{s.Service}:{s.Name}"))}");
        Assert.Single(spans, s => s.Service == "agents" && s.Name == $"invoke_agent {TestAgents.Clock}");
    }

    [Fact]
    public async Task AgentAsAModel_ThroughTheGateway_AnswersAChatCompletion()
    {
        using var gateway = fixture.CreateClient("gateway");

        var response = await gateway.PostAsync("/v1/chat/completions", new StringContent(
            """{"model":"agent/assistant","messages":[{"role":"user","content":"Once upon a time"}],"max_tokens":16}""",
            Encoding.UTF8, "application/json"), Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Token);
        Assert.Equal("agent/assistant", body.GetProperty("model").GetString());
        Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()));
        var models = await gateway.GetFromJsonAsync<JsonElement>("/v1/models", Token);
        Assert.Contains("agent/calculator", models.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()));
    }

    private static bool Complete(ReceivedSpan[] spans) =>
        spans.Count(s => s.Service == "agents" && s.Name == "chat") == 2
        && spans.Any(s => s.Service == "agents" && s.Name == "execute_tool clock-now")
        && spans.Count(s => s.Service.StartsWith("worker-", StringComparison.Ordinal) && s.Kind == 2) >= 2;
}
