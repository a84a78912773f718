using System.Net;
using System.Text;
using System.Text.Json;
using Json.Schema;
using LlmServe.Worker.Tests.Compatibility;

namespace LlmServe.Worker.Tests.Api;

/// <summary>Tool calling through the chat endpoint on the real TinyStories checkpoint.</summary>
public sealed class ToolCallingApiTests(ToolCallingWorker worker) : IClassFixture<ToolCallingWorker>
{
    private const string WeatherSchema = """{"type":"object","properties":{"city":{"type":"string","maxLength":8},"days":{"type":"integer"}},"required":["city"]}""";

    private const string Tools = """[{"type":"function","function":{"name":"get_weather","parameters":""" + WeatherSchema
        + """}},{"type":"function","function":{"name":"now","parameters":{"type":"object","properties":{}}}}]""";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static string Body(string toolChoice, bool stream = false, string messages = """[{"role":"user","content":"Weather?"}]""") => $$"""
        {"model":"stories","messages":{{messages}},"tools":{{Tools}},"tool_choice":{{toolChoice}},
         "parallel_tool_calls":false,"temperature":1,"seed":7,"max_tokens":120,"stream":{{(stream ? "true" : "false")}}}
        """;

    private async Task<HttpResponseMessage> PostAsync(string body)
    {
        using var client = new HttpClient { BaseAddress = worker.Worker.BaseUri };
        return await client.PostAsync("/v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"), Cancellation);
    }

    private async Task<JsonElement> ChoiceAsync(string body)
    {
        var response = await PostAsync(body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancellation)).RootElement.GetProperty("choices")[0];
    }

    [Fact]
    public async Task NamedChoice_ReturnsThatCallWithArgumentsValidAgainstItsSchema()
    {
        var choice = await ChoiceAsync(Body("""{"type":"function","function":{"name":"get_weather"}}"""));

        Assert.Equal("tool_calls", choice.GetProperty("finish_reason").GetString());
        var message = choice.GetProperty("message");
        Assert.Equal(JsonValueKind.Null, message.GetProperty("content").ValueKind);
        var call = Assert.Single(message.GetProperty("tool_calls").EnumerateArray());
        Assert.StartsWith("call_", call.GetProperty("id").GetString());
        Assert.Equal("function", call.GetProperty("type").GetString());
        Assert.Equal("get_weather", call.GetProperty("function").GetProperty("name").GetString());
        using var arguments = JsonDocument.Parse(call.GetProperty("function").GetProperty("arguments").GetString()!);
        Assert.True(JsonSchema.FromText(WeatherSchema).Evaluate(arguments.RootElement).IsValid);
    }

    [Fact]
    public async Task RequiredChoice_ReturnsACallOfAnOfferedTool()
    {
        var choice = await ChoiceAsync(Body("\"required\""));

        var call = Assert.Single(choice.GetProperty("message").GetProperty("tool_calls").EnumerateArray());
        Assert.Contains(call.GetProperty("function").GetProperty("name").GetString(), new[] { "get_weather", "now" });
    }

    [Fact]
    public async Task Streamed_DeltasReassembleToTheNonStreamedCall()
    {
        var whole = (await ChoiceAsync(Body("\"required\""))).GetProperty("message").GetProperty("tool_calls")[0].GetProperty("function");

        var response = await PostAsync(Body("\"required\"", stream: true));
        var chunks = (await response.Content.ReadAsStringAsync(Cancellation)).Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(e => e["data: ".Length..]).Where(e => e != "[DONE]")
            .Select(e => JsonDocument.Parse(e).RootElement.GetProperty("choices")[0]).ToList();
        var deltas = chunks.Where(c => c.GetProperty("delta").TryGetProperty("tool_calls", out _))
            .Select(c => c.GetProperty("delta").GetProperty("tool_calls")[0]).ToList();

        Assert.True(deltas.Count >= 2);
        Assert.Equal(whole.GetProperty("name").GetString(), deltas[0].GetProperty("function").GetProperty("name").GetString());
        Assert.StartsWith("call_", deltas[0].GetProperty("id").GetString());
        Assert.Equal("function", deltas[0].GetProperty("type").GetString());
        Assert.All(deltas.Skip(1), d => Assert.False(d.TryGetProperty("id", out _)));
        Assert.All(deltas, d => Assert.Equal(0, d.GetProperty("index").GetInt32()));
        Assert.Equal(whole.GetProperty("arguments").GetString(), string.Concat(deltas.Select(d => d.GetProperty("function").GetProperty("arguments").GetString())));
        Assert.Equal("tool_calls", chunks[^1].GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task ToolRoundFedBack_IsAccepted_AndTheModelAnswers()
    {
        const string messages = """
            [{"role":"user","content":"Weather?"},
             {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},
             {"role":"tool","tool_call_id":"call_1","content":"sunny"}]
            """;

        var choice = await ChoiceAsync(Body("\"none\"", messages: messages));

        Assert.False(choice.GetProperty("message").TryGetProperty("tool_calls", out _));
        Assert.NotEqual("tool_calls", choice.GetProperty("finish_reason").GetString());
        Assert.False(string.IsNullOrEmpty(choice.GetProperty("message").GetProperty("content").GetString()));
    }

    [Theory]
    [InlineData("""{"type":"function","function":{"name":"missing"}}""", "tool_choice")]
    [InlineData("\"sometimes\"", "tool_choice")]
    public async Task BadToolChoice_Is400NamingTheParameter(string toolChoice, string param)
    {
        var response = await PostAsync(Body(toolChoice));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancellation)).RootElement.GetProperty("error");
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("""{"model":"stories","messages":[{"role":"user","content":"x"}],"tools":{}}""", "tools")]
    [InlineData("""{"model":"stories","messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{}}]}""", "tools[0].function.name")]
    [InlineData("""{"model":"stories","messages":[{"role":"user","content":"x"}],"tool_choice":"required"}""", "tool_choice")]
    [InlineData("""{"model":"stories","messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":"required","response_format":{"type":"json_object"}}""", "response_format")]
    public async Task BadTools_Are400NamingTheParameter(string body, string param)
    {
        var response = await PostAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancellation)).RootElement.GetProperty("error");
        Assert.Equal(param, error.GetProperty("param").GetString());
    }
}
