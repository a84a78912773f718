using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace LlmServe.Worker.Tests.Api;

/// <summary>
/// Scoring a prompt through the real Worker: OpenAI's echo with logprobs (what lm-eval's loglikelihood requests send,
/// <c>max_tokens</c> 0 or 1) and vLLM's <c>prompt_logprobs</c>.
/// </summary>
public sealed class PromptLogprobsApiTests(WorkerFactory factory) : IClassFixture<WorkerFactory>
{
    [Fact]
    public async Task EchoWithLogprobsAndNoTokens_ScoresEveryPromptToken()
    {
        var client = await factory.CreateReadyClientAsync();

        var body = await PostAsync(client, "/v1/completions", new { model = "stories", prompt = "Once upon a time", max_tokens = 0, echo = true, logprobs = 1 });

        var choice = body.GetProperty("choices")[0];
        Assert.Equal("Once upon a time", choice.GetProperty("text").GetString());
        Assert.Equal("length", choice.GetProperty("finish_reason").GetString());
        Assert.Equal(0, body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        var logprobs = choice.GetProperty("logprobs");
        Assert.Equal(["<s>", " Once", " upon", " a", " time"], logprobs.GetProperty("tokens").EnumerateArray().Select(t => t.GetString()));
        var values = logprobs.GetProperty("token_logprobs").EnumerateArray().ToList();
        Assert.Equal(JsonValueKind.Null, values[0].ValueKind);
        Assert.All(values.Skip(1), v => Assert.InRange(v.GetSingle(), -30f, 0f));
        var tops = logprobs.GetProperty("top_logprobs").EnumerateArray().ToList();
        Assert.Equal(JsonValueKind.Null, tops[0].ValueKind);
        Assert.All(tops.Skip(1), t => Assert.Single(t.EnumerateObject()));
        Assert.Equal([0, 3, 8, 13, 15], logprobs.GetProperty("text_offset").EnumerateArray().Select(o => o.GetInt32()));
    }

    [Fact]
    public async Task EchoScoringOfAGeneratedText_GivesTheLogprobsItWasGeneratedWith()
    {
        var client = await factory.CreateReadyClientAsync();
        var generated = await PostAsync(client, "/v1/completions",
            new { model = "stories", prompt = "Once upon a time", max_tokens = 12, temperature = 0, echo = true, logprobs = 0 });
        var generation = generated.GetProperty("choices")[0];
        var text = generation.GetProperty("text").GetString()!;

        // lm-eval's request: the whole text echoed back with its log-probabilities, one token generated and ignored.
        var scored = (await PostAsync(client, "/v1/completions", new { model = "stories", prompt = text, max_tokens = 1, temperature = 0, echo = true, logprobs = 0 }))
            .GetProperty("choices")[0].GetProperty("logprobs");

        var wanted = Values(generation.GetProperty("logprobs"));
        var scoredValues = Values(scored);
        Assert.Equal(Tokens(generation.GetProperty("logprobs")), Tokens(scored)[..^1]);   // the same tokens, plus the one generated
        Assert.Equal(wanted.Count + 1, scoredValues.Count);
        for (var i = 1; i < wanted.Count; i++)
        {
            // Generated tokens were scored by decode steps, the echoed ones by one prefill: the same distribution.
            Assert.Equal(wanted[i]!.Value, scoredValues[i]!.Value, 1e-4);
        }
    }

    [Fact]
    public async Task PromptLogprobs_HaveVllmsShapeAndEchosValues()
    {
        var client = await factory.CreateReadyClientAsync();
        var echoed = Values((await PostAsync(client, "/v1/completions",
            new { model = "stories", prompt = "The little dog", max_tokens = 0, echo = true, logprobs = 0 })).GetProperty("choices")[0].GetProperty("logprobs"));

        var body = await PostAsync(client, "/v1/completions", new { model = "stories", prompt = "The little dog", max_tokens = 2, temperature = 0, prompt_logprobs = 2 });

        var choice = body.GetProperty("choices")[0];
        Assert.Equal(JsonValueKind.Null, choice.GetProperty("logprobs").ValueKind);
        var entries = choice.GetProperty("prompt_logprobs").EnumerateArray().ToList();
        Assert.Equal(body.GetProperty("usage").GetProperty("prompt_tokens").GetInt32(), entries.Count);
        Assert.Equal(JsonValueKind.Null, entries[0].ValueKind);
        var ids = (await PostAsync(client, "/tokenize", new { model = "stories", prompt = "The little dog" }))
            .GetProperty("tokens").EnumerateArray().Select(t => t.GetInt32()).ToList();
        for (var i = 1; i < entries.Count; i++)
        {
            var byId = entries[i].EnumerateObject().ToDictionary(p => p.Name, p => p.Value);
            Assert.InRange(byId.Count, 2, 3);   // the prompt token and the top 2 (it may be one of them)
            var own = byId[ids[i].ToString(System.Globalization.CultureInfo.InvariantCulture)];
            Assert.Equal(echoed[i]!.Value, own.GetProperty("logprob").GetSingle(), 1e-5);
            Assert.True(own.GetProperty("rank").GetInt32() >= 1);
            Assert.Contains(byId.Values, v => v.GetProperty("rank").GetInt32() == 1);
        }
    }

    [Fact]
    public async Task StreamedEcho_CarriesThePromptsLogprobsInItsFirstChunk()
    {
        var client = await factory.CreateReadyClientAsync();
        var request = new { model = "stories", prompt = "Once upon a time", max_tokens = 4, temperature = 0, echo = true, logprobs = 1 };
        var whole = (await PostAsync(client, "/v1/completions", request)).GetProperty("choices")[0];

        var response = await client.PostAsJsonAsync("/v1/completions", new { request.model, request.prompt, request.max_tokens, request.temperature, request.echo, request.logprobs, stream = true },
            TestContext.Current.CancellationToken);

        var chunks = (await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))
            .Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(e => e["data: ".Length..]).SkipLast(1)
            .Select(e => JsonDocument.Parse(e).RootElement.GetProperty("choices")[0]).ToList();
        Assert.StartsWith("Once upon a time", chunks[0].GetProperty("text").GetString());
        var first = chunks[0].GetProperty("logprobs");
        Assert.Equal("<s>", first.GetProperty("tokens")[0].GetString());
        Assert.Equal(JsonValueKind.Null, first.GetProperty("token_logprobs")[0].ValueKind);
        Assert.Equal(whole.GetProperty("text").GetString(), string.Concat(chunks.Select(c => c.GetProperty("text").GetString())));
        Assert.Equal(Values(whole.GetProperty("logprobs")), chunks.SelectMany(c => Values(c.GetProperty("logprobs"))));
    }

    [Fact]
    public async Task ChatPromptLogprobs_CoverTheRenderedPrompt()
    {
        var client = await factory.CreateReadyClientAsync();

        var body = await PostAsync(client, "/v1/chat/completions",
            new { model = "stories", messages = new[] { new { role = "user", content = "Tell me a story." } }, max_tokens = 2, prompt_logprobs = 0 });

        var entries = body.GetProperty("prompt_logprobs").EnumerateArray().ToList();
        Assert.Equal(body.GetProperty("usage").GetProperty("prompt_tokens").GetInt32(), entries.Count);
        Assert.All(entries.Skip(1), e => Assert.Single(e.EnumerateObject()));
    }

    [Theory]
    [InlineData("""{"model":"stories","prompt":"Once","max_tokens":0}""", "max_tokens")]
    [InlineData("""{"model":"stories","prompt":"Once","prompt_logprobs":2,"stream":true}""", "prompt_logprobs")]
    [InlineData("""{"model":"stories","prompt":"Once","prompt_logprobs":21}""", "prompt_logprobs")]
    [InlineData("""{"model":"stories","prompt":"Once","prompt_logprobs":"2"}""", "prompt_logprobs")]
    [InlineData("""{"model":"stories","messages":[{"role":"user","content":"Hi"}],"max_tokens":0}""", "max_tokens")]
    public async Task BadScoringRequests_Return400NamingTheField(string json, string param)
    {
        var client = await factory.CreateReadyClientAsync();
        var path = json.Contains("messages", StringComparison.Ordinal) ? "/v1/chat/completions" : "/v1/completions";

        var response = await client.PostAsync(path, new StringContent(json, System.Text.Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("error");
        Assert.Equal(param, error.GetProperty("param").GetString());
    }

    private static List<float?> Values(JsonElement logprobs) =>
        logprobs.GetProperty("token_logprobs").EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Null ? (float?)null : v.GetSingle()).ToList();

    private static string?[] Tokens(JsonElement logprobs) => logprobs.GetProperty("tokens").EnumerateArray().Select(t => t.GetString()).ToArray();

    private static async Task<JsonElement> PostAsync(HttpClient client, string path, object request)
    {
        var response = await client.PostAsJsonAsync(path, request, TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
    }
}
