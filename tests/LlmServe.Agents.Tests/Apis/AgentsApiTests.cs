using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LlmServe.Agents.Tests.Infrastructure;

namespace LlmServe.Agents.Tests.Apis;

public sealed class AgentsApiTests
{
    [Theory]
    [InlineData("{not json", null)]
    [InlineData("", null)]
    [InlineData("\"text\"", null)]
    [InlineData("{}", "input")]
    [InlineData("{\"input\":\"\"}", "input")]
    [InlineData("{\"input\":42}", "input")]
    [InlineData("{\"input\":\"hi\",\"max_tokens\":0}", "max_tokens")]
    [InlineData("{\"input\":\"hi\",\"max_tokens\":\"8\"}", "max_tokens")]
    public async Task Invoke_BadBody_Returns400OpenAiError(string body, string? param)
    {
        await using var app = new AgentsAppFactory();
        using var client = app.CreateClient();

        using var response = await client.PostAsync(new Uri("/v1/agents/assistant/invoke", UriKind.Relative),
            new StringContent(body, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await ReadErrorAsync(response);
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(param, error.GetProperty("param").GetString());
    }

    [Fact]
    public async Task Invoke_UnknownAgent_Returns404ListingAgents()
    {
        await using var app = new AgentsAppFactory();
        using var client = app.CreateClient();

        using var response = await client.PostAsJsonAsync("/v1/agents/pirate/invoke", new { input = "hi" },
            TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var error = await ReadErrorAsync(response);
        Assert.Equal("The agent `pirate` does not exist. Available agents: assistant, calculator, researcher, storyteller.",
            error.GetProperty("message").GetString());
        Assert.Equal("name", error.GetProperty("param").GetString());
        Assert.Equal("agent_not_found", error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task ListAgents_Configured_ReturnsThemInOrder()
    {
        await using var app = new AgentsAppFactory();
        using var client = app.CreateClient();

        var list = await client.GetFromJsonAsync<JsonElement>(new Uri("/v1/agents", UriKind.Relative),
            TestContext.Current.CancellationToken);

        Assert.Equal("list", list.GetProperty("object").GetString());
        var agents = list.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(["assistant", "calculator", "researcher", "storyteller"], agents.Select(a => a.GetProperty("name").GetString()));
        Assert.Equal(64, agents[0].GetProperty("max_tokens").GetInt32());
        Assert.Equal(JsonValueKind.Null, agents[0].GetProperty("temperature").ValueKind);
        Assert.Equal(0.5, agents[3].GetProperty("temperature").GetDouble());
    }

    private static async Task<JsonElement> ReadErrorAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        return body.GetProperty("error");
    }
}
