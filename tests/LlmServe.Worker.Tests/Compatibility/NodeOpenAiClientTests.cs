using System.Net.Http.Json;
using System.Text.Json;

namespace LlmServe.Worker.Tests.Compatibility;

/// <summary>
/// npm <c>openai</c> 4.x and 5.x (pinned in node/openai4 and node/openai5) against the real workers over HTTP:
/// models, chat (JSON and SSE with usage), completions and embeddings in the client's default (base64) encoding.
/// </summary>
[Collection(CompatibilityCollection.Name)]
public sealed class NodeOpenAiClientTests(CompatibilityWorkers workers)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("openai4", "4.104.0")]
    [InlineData("openai5", "5.23.2")]
    public async Task Run_AgainstTheWorkers_EveryCallMatchesTheReference(string folder, string version)
    {
        var result = await NodeOpenAiClient.RunAsync(folder, version, workers.Generative.OpenAiEndpoint, workers.Embedding.OpenAiEndpoint);
        var rawChunks = await CountStreamChunksAsync();

        Assert.Equal(version, result.GetProperty("version").GetString());
        Assert.Equal(CompatibilityWorkers.GenerativeModel, result.GetProperty("models").GetProperty("generative").GetString());
        Assert.Equal(CompatibilityWorkers.EmbeddingModel, result.GetProperty("models").GetProperty("embedding").GetString());

        var chat = result.GetProperty("chat");
        var chatText = chat.GetProperty("text").GetString();
        Assert.StartsWith(Reference.GreedyPrefix, chatText);
        Assert.Equal("length", chat.GetProperty("finishReason").GetString());
        AssertUsage(chat.GetProperty("usage"));

        // The SDK ends its iteration at [DONE] without error and sees every data event before it.
        var stream = result.GetProperty("chatStream");
        Assert.True(stream.GetProperty("ended").GetBoolean());
        Assert.Equal(chatText, stream.GetProperty("text").GetString());
        Assert.Equal(rawChunks, stream.GetProperty("chunks").GetInt32());
        Assert.Equal("length", stream.GetProperty("finishReason").GetString());
        AssertUsage(stream.GetProperty("usage"));

        var completion = result.GetProperty("completion");
        Assert.StartsWith(Reference.GreedyPrefix, completion.GetProperty("text").GetString());
        Assert.Equal("length", completion.GetProperty("finishReason").GetString());
        AssertUsage(completion.GetProperty("usage"));

        AssertReferenceEmbeddings(result.GetProperty("embeddings").GetProperty("byDefault"));
        AssertReferenceEmbeddings(result.GetProperty("embeddings").GetProperty("asFloat"));
    }

    private static void AssertUsage(JsonElement usage)
    {
        Assert.Equal(Reference.PromptTokens, usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(Reference.MaxTokens, usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(Reference.PromptTokens + Reference.MaxTokens, usage.GetProperty("total_tokens").GetInt32());
    }

    private static void AssertReferenceEmbeddings(JsonElement summary)
    {
        Assert.Equal(2, summary.GetProperty("count").GetInt32());
        Assert.All(summary.GetProperty("lengths").EnumerateArray(), l => Assert.Equal(Reference.EmbeddingLength, l.GetInt32()));
        Assert.All(summary.GetProperty("norms").EnumerateArray(), n => Assert.Equal(1.0, n.GetDouble(), 1e-4));
        Assert.Equal(Reference.CatFelineCosine, summary.GetProperty("cosine").GetDouble(), 1e-3);
        Assert.True(summary.GetProperty("promptTokens").GetInt32() > 0);
    }

    /// <summary>The same streaming request as the script's, read raw: data events before the closing [DONE].</summary>
    private async Task<int> CountStreamChunksAsync()
    {
        using var http = new HttpClient();
        var request = new
        {
            model = CompatibilityWorkers.GenerativeModel, messages = new[] { new { role = "user", content = Reference.Prompt } },
            max_tokens = Reference.MaxTokens, temperature = 0, stream = true, stream_options = new { include_usage = true },
        };
        using var response = await http.PostAsJsonAsync(new Uri(workers.Generative.BaseUri, "v1/chat/completions"), request, Cancellation);
        response.EnsureSuccessStatusCode();
        var events = (await response.Content.ReadAsStringAsync(Cancellation))
            .Split("\n\n", StringSplitOptions.RemoveEmptyEntries).ToList();
        Assert.Equal("data: [DONE]", events[^1]);
        return events.Count - 1;
    }
}
