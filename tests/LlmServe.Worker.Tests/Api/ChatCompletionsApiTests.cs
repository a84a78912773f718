using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace LlmServe.Worker.Tests.Api;

public sealed class ChatCompletionsApiTests(WorkerFactory factory) : IClassFixture<WorkerFactory>
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Theory]
    [InlineData(4000, 8, "messages")]
    [InlineData(1, 100000, "max_tokens")]
    public async Task Post_LongerThanTheContext_Returns400WithOpenAisContextLengthCode(int words, int maxTokens, string param)
    {
        var client = await factory.CreateReadyClientAsync();
        var content = string.Join(' ', Enumerable.Repeat("hello", words));

        var response = await client.PostAsJsonAsync("/v1/chat/completions",
            new { model = "stories", messages = new[] { new { role = "user", content } }, max_tokens = maxTokens }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("error");
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Equal("context_length_exceeded", error.GetProperty("code").GetString());
        Assert.Contains("maximum context length", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_Greedy_ReturnsTheModelsContinuationWithExactUsage()
    {
        var client = await factory.CreateReadyClientAsync();

        var response = await client.PostAsync("/v1/chat/completions", Json("""
            {"model":"stories","messages":[{"role":"user","content":"Once upon a time"}],"max_tokens":12,"temperature":0}
            """), TestContext.Current.CancellationToken);

        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var choice = body.RootElement.GetProperty("choices")[0];
        Assert.Equal("chat.completion", body.RootElement.GetProperty("object").GetString());
        Assert.StartsWith(", there was a little girl", choice.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("length", choice.GetProperty("finish_reason").GetString());
        var usage = body.RootElement.GetProperty("usage");
        Assert.Equal(5, usage.GetProperty("prompt_tokens").GetInt32());   // BOS + 4 pieces
        Assert.Equal(12, usage.GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task Post_Stream_SendsRoleThenContentChunksThenDone()
    {
        var client = await factory.CreateReadyClientAsync();

        var response = await client.PostAsync("/v1/chat/completions", Json("""
            {"model":"stories","messages":[{"role":"user","content":"Once upon a time"}],"max_tokens":10,"temperature":0,
             "stream":true,"stream_options":{"include_usage":true}}
            """), TestContext.Current.CancellationToken);

        response.EnsureSuccessStatusCode();
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = (await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))
            .Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(e => e["data: ".Length..]).ToList();
        Assert.Equal("[DONE]", events[^1]);
        var chunks = events[..^1].Select(e => JsonDocument.Parse(e).RootElement).ToList();
        Assert.Equal("assistant", chunks[0].GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString());
        var text = string.Concat(chunks.Skip(1).Where(c => c.GetProperty("choices").GetArrayLength() > 0)
            .Select(c => c.GetProperty("choices")[0].GetProperty("delta").GetProperty("content").GetString()));
        Assert.StartsWith(", there was a little girl", text);
        Assert.Equal(10, chunks[^1].GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Post_StreamWithContinuousUsage_EveryChunkCarriesTheUsageSoFar(bool continuous)
    {
        var client = await factory.CreateReadyClientAsync();

        var response = await client.PostAsync("/v1/chat/completions", Json($$$"""
            {"model":"stories","messages":[{"role":"user","content":"Once upon a time"}],"max_tokens":10,"temperature":0,
             "stream":true,"stream_options":{"include_usage":true,"continuous_usage_stats":{{{(continuous ? "true" : "false")}}}}}
            """), TestContext.Current.CancellationToken);

        response.EnsureSuccessStatusCode();
        var chunks = (await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))
            .Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(e => e["data: ".Length..]).Where(e => e != "[DONE]")
            .Select(e => JsonDocument.Parse(e).RootElement).ToList();
        var withChoices = chunks.Where(c => c.GetProperty("choices").GetArrayLength() > 0).ToList();
        var final = chunks[^1].GetProperty("usage");
        Assert.Equal(0, chunks[^1].GetProperty("choices").GetArrayLength());
        if (!continuous)
        {
            Assert.All(withChoices, c => Assert.False(c.TryGetProperty("usage", out _)));
            return;
        }
        // vLLM's shape: prompt tokens throughout, completion tokens counting up from 0 (the role chunk) to the final usage.
        var counts = withChoices.Select(c => c.GetProperty("usage").GetProperty("completion_tokens").GetInt32()).ToList();
        Assert.All(withChoices, c => Assert.Equal(5, c.GetProperty("usage").GetProperty("prompt_tokens").GetInt32()));
        Assert.All(withChoices, c => Assert.Equal(c.GetProperty("usage").GetProperty("prompt_tokens").GetInt32()
            + c.GetProperty("usage").GetProperty("completion_tokens").GetInt32(), c.GetProperty("usage").GetProperty("total_tokens").GetInt32()));
        Assert.Equal(0, counts[0]);
        Assert.Equal(counts.Order(), counts);
        Assert.Equal(10, counts[^1]);
        Assert.Equal(final.GetProperty("completion_tokens").GetInt32(), counts[^1]);
    }

    [Fact]
    public async Task Post_Logprobs_GreedyTokenIsTheTopAlternative()
    {
        var client = await factory.CreateReadyClientAsync();

        var response = await client.PostAsync("/v1/chat/completions", Json("""
            {"model":"stories","messages":[{"role":"user","content":"Once upon a time"}],"max_tokens":6,"temperature":0,
             "logprobs":true,"top_logprobs":3}
            """), TestContext.Current.CancellationToken);

        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var content = body.RootElement.GetProperty("choices")[0].GetProperty("logprobs").GetProperty("content");
        Assert.Equal(6, content.GetArrayLength());
        foreach (var entry in content.EnumerateArray())
        {
            var top = entry.GetProperty("top_logprobs");
            Assert.Equal(3, top.GetArrayLength());
            Assert.Equal(top[0].GetProperty("token").GetString(), entry.GetProperty("token").GetString());
            Assert.Equal(top[0].GetProperty("logprob").GetDouble(), entry.GetProperty("logprob").GetDouble(), 6);
            Assert.True(entry.GetProperty("logprob").GetDouble() <= 0);
        }
        Assert.Equal(",", content[0].GetProperty("token").GetString());
    }

    [Fact]
    public async Task Post_StopString_EndsBeforeIt()
    {
        var client = await factory.CreateReadyClientAsync();

        var response = await client.PostAsync("/v1/chat/completions", Json("""
            {"model":"stories","messages":[{"role":"user","content":"Once upon a time"}],"max_tokens":40,"temperature":0,"stop":["Lily"]}
            """), TestContext.Current.CancellationToken);

        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var choice = body.RootElement.GetProperty("choices")[0];
        Assert.Equal(", there was a little girl named ", choice.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
    }

    [Theory]
    [InlineData("{not json", null)]
    [InlineData("[1,2]", null)]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}]}""", "model")]
    [InlineData("""{"model":"stories"}""", "messages")]
    [InlineData("""{"model":"stories","messages":"hi"}""", "messages")]
    [InlineData("""{"model":"stories","messages":[{"role":"wizard","content":"hi"}]}""", "messages[0].role")]
    [InlineData("""{"model":"stories","messages":[{"role":"user","content":"hi"}],"max_tokens":"ten"}""", "max_tokens")]
    [InlineData("""{"model":"stories","messages":[{"role":"user","content":"hi"}],"max_tokens":0}""", "max_tokens")]
    [InlineData("""{"model":"stories","messages":[{"role":"user","content":"hi"}],"max_tokens":100000}""", "max_tokens")]
    [InlineData("""{"model":"stories","messages":[{"role":"user","content":"hi"}],"temperature":"hot"}""", "temperature")]
    [InlineData("""{"model":"stories","messages":[{"role":"user","content":"hi"}],"stream":"yes"}""", "stream")]
    [InlineData("""{"model":"stories","messages":[{"role":"user","content":"hi"}],"stop":[1]}""", "stop")]
    [InlineData("""{"model":"stories","messages":[{"role":"user","content":"hi"}],"top_logprobs":2}""", "top_logprobs")]
    [InlineData("""{"model":"stories","messages":[{"role":"user","content":"hi"}],"logprobs":true,"top_logprobs":50}""", "top_logprobs")]
    [InlineData("""{"model":"stories","messages":[{"role":"user","content":"hi"}],"logit_bias":{"x":1}}""", "logit_bias")]
    [InlineData("""{"model":"stories","messages":[{"role":"user","content":"hi"}],"n":0}""", "n")]
    [InlineData("""{"model":"stories","messages":[{"role":"user","content":"hi"}],"response_format":{"type":"json_schema","json_schema":{"name":"x","schema":{"enum":[]}}}}""", "response_format")]
    [InlineData("""{"model":"stories","messages":[{"role":"user","content":"hi"}],"structured_outputs":{"regex":"(("}}""", "structured_outputs.regex")]
    [InlineData("""{"model":"stories","messages":[{"role":"user","content":"hi"}],"chat_template_kwargs":"x"}""", "chat_template_kwargs")]
    [InlineData("""{"model":"stories","messages":[{"role":"user","content":"hi"}],"add_generation_prompt":"x"}""", "add_generation_prompt")]
    [InlineData("""{"model":"stories","messages":[{"role":"user","content":"hi"}],"continue_final_message":"x"}""", "continue_final_message")]
    [InlineData("""{"model":"stories","messages":[{"role":"user","content":"hi"}],"guided_json":{"anyOf":[]}}""", "guided_json")]
    public async Task Post_BadInput_Returns400WithOpenAiError(string json, string? param)
    {
        var client = await factory.CreateReadyClientAsync();

        var response = await client.PostAsync("/v1/chat/completions", Json(json), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
        Assert.Equal(param, error.GetProperty("param").GetString());
    }

    [Fact]
    public async Task Post_UnknownModel_Returns404NamingTheServedModel()
    {
        var client = await factory.CreateReadyClientAsync();

        var response = await client.PostAsync("/v1/chat/completions",
            Json("""{"model":"gpt-4","messages":[{"role":"user","content":"hi"}]}"""), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("error");
        Assert.Contains("stories", error.GetProperty("message").GetString());
    }
}
