using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using LlmServe.TestUtilities;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace LlmServe.Worker.Tests.Api;

/// <summary>The shared checkpoint served with <c>--reasoning-parser deepseek_r1</c>.</summary>
public sealed class ReasoningWorkerFactory : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Worker:Model", TestModels.Stories260K);
        builder.UseSetting("Worker:ServedModelName", WorkerFactory.ServedName);
        builder.UseSetting("Worker:MaxModelLen", "256");
        builder.UseSetting("Worker:ReasoningParser", "deepseek_r1");
    }
}

/// <summary>
/// Reasoning through the real engine: a regex constraint makes the model write a thought in think tags and then an
/// answer, which come back split into reasoning and content, streamed and not.
/// </summary>
public sealed class ReasoningApiTests(ReasoningWorkerFactory factory) : IClassFixture<ReasoningWorkerFactory>
{
    private const string Shape = "<think>[a-z]{3,8}</think>[a-z]{2,6}";

    private static StringContent Body(bool stream, bool include = true) => new($$"""
        {"model":"stories","messages":[{"role":"user","content":"Once upon a time"}],"max_tokens":60,"temperature":0,
         "structured_outputs":{"regex":"{{Shape}}"},"stream":{{(stream ? "true" : "false")}},"include_reasoning":{{(include ? "true" : "false")}}}
        """, Encoding.UTF8, "application/json");

    [Fact]
    public async Task Chat_ThoughtAndAnswer_ComeBackSplit_StreamedTheSame()
    {
        var client = await WorkerFactory.WaitUntilHealthyAsync(factory.CreateClient());
        var ct = TestContext.Current.CancellationToken;

        var whole = await client.PostAsync("/v1/chat/completions", Body(stream: false), ct);
        whole.EnsureSuccessStatusCode();
        var message = (await whole.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("choices")[0].GetProperty("message");
        var reasoning = message.GetProperty("reasoning").GetString()!;
        var content = message.GetProperty("content").GetString()!;
        Assert.Matches("^[a-z]{3,8}$", reasoning);
        Assert.Matches("^[a-z]{2,6}$", content);
        Assert.Equal(reasoning, message.GetProperty("reasoning_content").GetString());

        var streamed = await client.PostAsync("/v1/chat/completions", Body(stream: true), ct);
        streamed.EnsureSuccessStatusCode();
        var deltas = (await streamed.Content.ReadAsStringAsync(ct)).Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(e => e["data: ".Length..]).Where(e => e != "[DONE]")
            .Select(e => JsonDocument.Parse(e).RootElement.GetProperty("choices")[0].GetProperty("delta")).ToList();
        string Joined(string field) => string.Concat(deltas.Select(d => d.TryGetProperty(field, out var v) ? v.GetString() : ""));
        Assert.Equal(reasoning, Joined("reasoning"));
        Assert.Equal(content, Joined("content"));
        Assert.DoesNotContain("think", Joined("content"), StringComparison.Ordinal);
    }

    /// <summary>Tokens held back while they might be a tag still get their log-probabilities, with the next chunk.</summary>
    [Fact]
    public async Task Chat_StreamedLogprobs_CoverEveryTokenAsTheWholeResponseDoes()
    {
        var client = await WorkerFactory.WaitUntilHealthyAsync(factory.CreateClient());
        var ct = TestContext.Current.CancellationToken;
        StringContent Request(bool stream) => new($$"""
            {"model":"stories","messages":[{"role":"user","content":"Once upon a time"}],"max_tokens":60,"temperature":0,
             "structured_outputs":{"regex":"{{Shape}}"},"logprobs":true,"stream":{{(stream ? "true" : "false")}}}
            """, Encoding.UTF8, "application/json");

        var whole = await client.PostAsync("/v1/chat/completions", Request(false), ct);
        var streamed = await client.PostAsync("/v1/chat/completions", Request(true), ct);

        var body = await whole.Content.ReadFromJsonAsync<JsonElement>(ct);
        var expected = body.GetProperty("choices")[0].GetProperty("logprobs").GetProperty("content").GetArrayLength();
        Assert.Equal(body.GetProperty("usage").GetProperty("completion_tokens").GetInt32(), expected);
        var counted = (await streamed.Content.ReadAsStringAsync(ct)).Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(e => e["data: ".Length..]).Where(e => e != "[DONE]")
            .Select(e => JsonDocument.Parse(e).RootElement.GetProperty("choices")[0])
            .Sum(c => c.TryGetProperty("logprobs", out var l) && l.ValueKind == JsonValueKind.Object ? l.GetProperty("content").GetArrayLength() : 0);
        Assert.Equal(expected, counted);
    }

    [Fact]
    public async Task Chat_IncludeReasoningFalse_DropsTheThoughtButNotTheAnswer()
    {
        var client = await WorkerFactory.WaitUntilHealthyAsync(factory.CreateClient());

        var response = await client.PostAsync("/v1/chat/completions", Body(stream: false, include: false), TestContext.Current.CancellationToken);

        response.EnsureSuccessStatusCode();
        var message = (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken))
            .GetProperty("choices")[0].GetProperty("message");
        Assert.False(message.TryGetProperty("reasoning", out _));
        Assert.Matches("^[a-z]{2,6}$", message.GetProperty("content").GetString()!);
    }

    [Fact]
    public void UnknownParser_StopsTheWorkerAtStartNamingTheChoices()
    {
        using var bogus = factory.WithWebHostBuilder(b => b.UseSetting("Worker:ReasoningParser", "r2d2"));

        var error = Assert.ThrowsAny<Exception>(() => bogus.CreateClient());

        Assert.Contains("--reasoning-parser must be one of: deepseek_r1, qwen3", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Completions_AreNotSplit()
    {
        var client = await WorkerFactory.WaitUntilHealthyAsync(factory.CreateClient());

        var response = await client.PostAsync("/v1/completions", new StringContent($$$"""
            {"model":"stories","prompt":"Once upon a time","max_tokens":60,"temperature":0,"structured_outputs":{"regex":"{{{Shape}}}"}}
            """, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

        response.EnsureSuccessStatusCode();
        var text = (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken))
            .GetProperty("choices")[0].GetProperty("text").GetString()!;
        Assert.Matches("^" + Shape + "$", text);
    }
}
