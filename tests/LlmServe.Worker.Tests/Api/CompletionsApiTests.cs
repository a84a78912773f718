using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace LlmServe.Worker.Tests.Api;

public sealed class CompletionsApiTests(WorkerFactory factory) : IClassFixture<WorkerFactory>
{
    [Fact]
    public async Task Post_StringPrompt_Continues()
    {
        var client = await factory.CreateReadyClientAsync();

        var body = await PostAsync(client, new { model = "stories", prompt = "Once upon a time", max_tokens = 8, temperature = 0 });

        Assert.StartsWith(", there was a little", body.GetProperty("choices")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task Post_TokenArrayPrompt_EqualsStringPrompt()
    {
        var client = await factory.CreateReadyClientAsync();
        var fromText = await PostAsync(client, new { model = "stories", prompt = "Once upon a time", max_tokens = 8, temperature = 0, echo = true });
        var ids = new[] { 1, 403, 407, 261, 378 }; // BOS, "▁Once", "▁upon", "▁a", "▁time" in this vocabulary

        var fromIds = await PostAsync(client, new { model = "stories", prompt = ids, max_tokens = 8, temperature = 0, echo = true });

        Assert.Equal(fromText.GetProperty("choices")[0].GetProperty("text").GetString(),
            fromIds.GetProperty("choices")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task Post_LongTokenArrayPrompt_IsOnePrompt()
    {
        var client = await factory.CreateReadyClientAsync();
        var ids = Enumerable.Repeat(403, 100).Prepend(1).ToArray();   // longer than the batch limit of 64 prompts

        var body = await PostAsync(client, new { model = "stories", prompt = ids, max_tokens = 2, temperature = 0 });

        Assert.Single(body.GetProperty("choices").EnumerateArray());
        Assert.Equal(101, body.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
    }

    [Fact]
    public async Task Post_IncludeStopStrInOutput_KeepsTheStopString()
    {
        var client = await factory.CreateReadyClientAsync();
        object Request(bool include) => new { model = "stories", prompt = "Once upon a time", max_tokens = 16, temperature = 0, stop = new[] { "girl" }, include_stop_str_in_output = include };

        var without = (await PostAsync(client, Request(false))).GetProperty("choices")[0];
        var with = (await PostAsync(client, Request(true))).GetProperty("choices")[0];

        Assert.Equal(", there was a little ", without.GetProperty("text").GetString());
        Assert.Equal(", there was a little girl", with.GetProperty("text").GetString());
        Assert.Equal("stop", with.GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task Post_AllowedTokenIds_OnlyThoseAreSampled()
    {
        var client = await factory.CreateReadyClientAsync();
        // "▁a" (261) and "▁time" (378), the two ids this vocabulary gives those words.
        var body = await PostAsync(client, new { model = "stories", prompt = "Once upon a time", max_tokens = 6, temperature = 1.0, seed = 7, allowed_token_ids = new[] { 261, 378 } });

        var words = body.GetProperty("choices")[0].GetProperty("text").GetString()!.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(6, words.Length);
        Assert.All(words, w => Assert.Contains(w, new[] { "a", "time" }));
    }

    [Fact]
    public async Task Post_SkipSpecialTokensFalse_WritesControlTokensText()
    {
        var client = await factory.CreateReadyClientAsync();
        // Only EOS (id 2, "</s>") may be sampled, and it does not end the output.
        object Request(bool skip) => new { model = "stories", prompt = "Once", max_tokens = 3, ignore_eos = true, allowed_token_ids = new[] { 2 }, skip_special_tokens = skip };

        var skipped = await PostAsync(client, Request(true));
        var written = await PostAsync(client, Request(false));

        Assert.Equal("", skipped.GetProperty("choices")[0].GetProperty("text").GetString());
        Assert.Equal("</s></s></s>", written.GetProperty("choices")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task Post_TruncatePromptTokens_KeepsTheLastTokens()
    {
        var client = await factory.CreateReadyClientAsync();

        var body = await PostAsync(client, new { model = "stories", prompt = "Once upon a time there was a dog", max_tokens = 2, truncate_prompt_tokens = 3 });

        Assert.Equal(3, body.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
    }

    [Theory]
    [InlineData("[512]")]
    [InlineData("[-1]")]
    [InlineData("[]")]
    [InlineData("[2],\"min_tokens\":3")]   // only EOS allowed, which min_tokens forbids
    public async Task Post_AllowedTokenIdsOutsideTheVocabularyEmptyOrUnusable_Returns400(string ids)
    {
        var client = await factory.CreateReadyClientAsync();

        var response = await client.PostAsync("/v1/completions", new StringContent(
            $$"""{"model":"stories","prompt":"hi","allowed_token_ids":{{ids}}}""", System.Text.Encoding.UTF8, "application/json"),
            TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("error");
        Assert.Equal("allowed_token_ids", error.GetProperty("param").GetString());
    }

    [Theory]
    [InlineData("/v1/completions", "\"prompt\":\"hi\"")]
    [InlineData("/v1/chat/completions", "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]")]
    public async Task Post_LogitBiasOnATokenOutsideTheVocabulary_Returns400(string path, string input)
    {
        var client = await factory.CreateReadyClientAsync();

        var response = await client.PostAsync(path, new StringContent(
            $$$"""{"model":"stories",{{{input}}},"max_tokens":2,"logit_bias":{"5":1,"512":2}}""", System.Text.Encoding.UTF8, "application/json"),
            TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("error");
        Assert.Equal("logit_bias", error.GetProperty("param").GetString());
        Assert.Contains("512", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_SeededSampling_IsReproducible()
    {
        var client = await factory.CreateReadyClientAsync();
        var request = new { model = "stories", prompt = "The dog", max_tokens = 16, temperature = 1.0, seed = 1234 };

        var a = await PostAsync(client, request);
        var b = await PostAsync(client, request);

        Assert.Equal(a.GetProperty("choices")[0].GetProperty("text").GetString(), b.GetProperty("choices")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task Post_BatchOfPrompts_ReturnsOneChoicePerPromptInOrder()
    {
        var client = await factory.CreateReadyClientAsync();
        var single = await PostAsync(client, new { model = "stories", prompt = "The dog", max_tokens = 8, temperature = 0 });

        var batch = await PostAsync(client, new { model = "stories", prompt = new[] { "Once upon a time", "The dog" }, max_tokens = 8, temperature = 0 });

        var choices = batch.GetProperty("choices");
        Assert.Equal(2, choices.GetArrayLength());
        Assert.Equal(1, choices[1].GetProperty("index").GetInt32());
        Assert.StartsWith(", there was", choices[0].GetProperty("text").GetString());
        Assert.Equal(single.GetProperty("choices")[0].GetProperty("text").GetString(), choices[1].GetProperty("text").GetString());
        Assert.Equal(16, batch.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task Post_NWithSeed_ReturnsDistinctReproducibleChoices()
    {
        var client = await factory.CreateReadyClientAsync();
        var request = new { model = "stories", prompt = "The dog", max_tokens = 16, temperature = 1.0, seed = 7, n = 3 };

        var a = await PostAsync(client, request);
        var b = await PostAsync(client, request);

        var textsA = a.GetProperty("choices").EnumerateArray().Select(c => c.GetProperty("text").GetString()).ToList();
        var textsB = b.GetProperty("choices").EnumerateArray().Select(c => c.GetProperty("text").GetString()).ToList();
        Assert.Equal(3, textsA.Count);
        Assert.Equal(textsA, textsB);
        Assert.True(textsA.Distinct().Count() > 1, "parallel samples should differ");
    }

    [Fact]
    public async Task Post_StreamWithN_InterleavesChoicesAndEndsWithDone()
    {
        var client = await factory.CreateReadyClientAsync();

        var response = await client.PostAsJsonAsync("/v1/completions",
            new { model = "stories", prompt = "The dog", max_tokens = 6, temperature = 0, n = 2, stream = true }, TestContext.Current.CancellationToken);

        var events = (await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))
            .Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(e => e["data: ".Length..]).ToList();
        Assert.Equal("[DONE]", events[^1]);
        var byIndex = events[..^1].Select(e => JsonDocument.Parse(e).RootElement.GetProperty("choices")[0])
            .GroupBy(c => c.GetProperty("index").GetInt32())
            .ToDictionary(g => g.Key, g => string.Concat(g.Select(c => c.GetProperty("text").GetString())));
        Assert.Equal([0, 1], byIndex.Keys.Order());
        Assert.Equal(byIndex[0], byIndex[1]);   // greedy: both choices are the same continuation
    }

    [Fact]
    public async Task Post_Logprobs_ParallelArraysCoverEveryToken()
    {
        var client = await factory.CreateReadyClientAsync();

        var body = await PostAsync(client, new { model = "stories", prompt = "Once upon a time", max_tokens = 5, temperature = 0, logprobs = 2 });

        var logprobs = body.GetProperty("choices")[0].GetProperty("logprobs");
        Assert.Equal(5, logprobs.GetProperty("tokens").GetArrayLength());
        Assert.Equal(5, logprobs.GetProperty("token_logprobs").GetArrayLength());
        Assert.Equal(5, logprobs.GetProperty("top_logprobs").GetArrayLength());
        Assert.Equal(0, logprobs.GetProperty("text_offset")[0].GetInt32());
        Assert.Equal(string.Concat(logprobs.GetProperty("tokens").EnumerateArray().Select(t => t.GetString())),
            body.GetProperty("choices")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task Post_MissingPrompt_Returns400()
    {
        var client = await factory.CreateReadyClientAsync();

        var response = await client.PostAsJsonAsync("/v1/completions", new { model = "stories" }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("error");
        Assert.Equal("prompt", error.GetProperty("param").GetString());
    }

    [Fact]
    public async Task GetModels_ListsServedName()
    {
        var client = await factory.CreateReadyClientAsync();

        var models = await client.GetFromJsonAsync<JsonElement>("/v1/models", TestContext.Current.CancellationToken);

        Assert.Equal("stories", models.GetProperty("data")[0].GetProperty("id").GetString());
    }

    private static async Task<JsonElement> PostAsync(HttpClient client, object request)
    {
        var response = await client.PostAsJsonAsync("/v1/completions", request, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
    }
}
