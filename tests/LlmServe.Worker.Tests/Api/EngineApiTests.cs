using System.Net.Http.Json;
using System.Text.Json;

namespace LlmServe.Worker.Tests.Api;

public sealed class EngineApiTests(WorkerFactory factory) : IClassFixture<WorkerFactory>
{
    [Fact]
    public async Task Metrics_AfterARequest_UseVllmNames()
    {
        var client = await factory.CreateReadyClientAsync();
        (await client.PostAsJsonAsync("/v1/completions", new { model = "stories", prompt = "Once upon a time", max_tokens = 4 },
            TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();

        var text = await client.GetStringAsync("/metrics", TestContext.Current.CancellationToken);

        foreach (var name in new[] { "vllm:num_requests_running", "vllm:num_requests_waiting", "vllm:kv_cache_usage_perc",
                     "vllm:prefix_cache_queries_total", "vllm:prefix_cache_hits_total", "vllm:num_preemptions_total",
                     "vllm:time_to_first_token_seconds_bucket", "vllm:inter_token_latency_seconds_count",
                     "vllm:e2e_request_latency_seconds_sum" })
        {
            Assert.Contains(name + "{model_name=\"stories\"", text);
        }
        Assert.Contains("vllm:request_success_total{model_name=\"stories\",finished_reason=\"length\"}", text);
        Assert.Matches(@"vllm:generation_tokens_total\{model_name=""stories""\} [1-9]", text);
    }

    [Fact]
    public async Task Load_ReportsRunningWaitingAndKvUsage()
    {
        var client = await factory.CreateReadyClientAsync();

        var load = await client.GetFromJsonAsync<JsonElement>("/load", TestContext.Current.CancellationToken);

        Assert.True(load.GetProperty("num_blocks").GetInt32() > 0);
        Assert.InRange(load.GetProperty("kv_cache_usage").GetDouble(), 0, 1);
        Assert.True(load.TryGetProperty("running", out _) && load.TryGetProperty("waiting", out _));
    }

    [Fact]
    public async Task TokenizeThenDetokenize_RoundTrips()
    {
        var client = await factory.CreateReadyClientAsync();

        var tokens = await (await client.PostAsJsonAsync("/tokenize", new { model = "stories", prompt = "Once upon a time" },
            TestContext.Current.CancellationToken)).Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        var ids = tokens.GetProperty("tokens").EnumerateArray().Select(t => t.GetInt32()).ToArray();
        var text = await (await client.PostAsJsonAsync("/detokenize", new { model = "stories", tokens = ids },
            TestContext.Current.CancellationToken)).Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);

        Assert.Equal(5, tokens.GetProperty("count").GetInt32());
        Assert.Equal("Once upon a time", text.GetProperty("prompt").GetString());
    }

    /// <summary>vLLM's chat form of <c>/tokenize</c>: the tokens the chat endpoint feeds the model, tools included.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TokenizeMessages_CountsWhatTheChatEndpointUses(bool withTools)
    {
        var client = await factory.CreateReadyClientAsync();
        object[] messages = [new { role = "system", content = "Be brief." }, new { role = "user", content = "Tell me about the dog." }];
        object[]? tools = withTools
            ? [new { type = "function", function = new { name = "lookup", parameters = new { type = "object", properties = new { q = new { type = "string" } } } } }]
            : null;

        var tokenized = await (await client.PostAsJsonAsync("/tokenize", new { model = "stories", messages, tools },
            TestContext.Current.CancellationToken)).Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        var chat = await (await client.PostAsJsonAsync("/v1/chat/completions", new { model = "stories", messages, tools, max_tokens = 1 },
            TestContext.Current.CancellationToken)).Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        var plain = await (await client.PostAsJsonAsync("/tokenize", new { model = "stories", prompt = "Tell me about the dog." },
            TestContext.Current.CancellationToken)).Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);

        var count = tokenized.GetProperty("count").GetInt32();
        Assert.Equal(chat.GetProperty("usage").GetProperty("prompt_tokens").GetInt32(), count);
        Assert.Equal(count, tokenized.GetProperty("tokens").GetArrayLength());
        Assert.True(count > plain.GetProperty("count").GetInt32());   // the template's roles and turns are in it
    }

    [Fact]
    public async Task TokenizeMessages_BadMessages_Returns400NamingThem()
    {
        var client = await factory.CreateReadyClientAsync();

        var response = await client.PostAsJsonAsync("/tokenize", new { model = "stories", messages = new[] { new { role = "alien", content = "x" } } },
            TestContext.Current.CancellationToken);

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("error");
        Assert.StartsWith("messages", error.GetProperty("param").GetString(), StringComparison.Ordinal);
    }
}
