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
}
