using System.Net.Http.Json;
using System.Text.Json;

namespace LlmServe.Worker.Tests.Api;

/// <summary>
/// Batch invariance through the real Worker over HTTP, on its default settings (the float32 TinyStories checkpoint):
/// concurrent requests get, token for token and log-probability for log-probability, what each gets alone.
/// </summary>
public sealed class BatchInvarianceApiTests(WorkerFactory factory) : IClassFixture<WorkerFactory>
{
    private static readonly string[] Prompts =
    [
        "Once upon a time", "The little dog", "Lily wanted to", "One day, a boy named Tom", "The sun was", "Sam and his mom",
        "There was a big tree", "A cat sat", "The bird flew over the", "Mia had a red ball", "It was a rainy day", "Ben liked to",
        "The old man", "In the park, the kids", "A small fish", "Tim found a",
    ];

    [Fact]
    public async Task SixteenConcurrentGreedyRequests_EachEqualsItsRequestAlone()
    {
        var client = await factory.CreateReadyClientAsync();
        var alone = new List<string>();
        foreach (var p in Prompts)
        {
            alone.Add(await CompleteAsync(client, new { model = WorkerFactory.ServedName, prompt = p, max_tokens = 48, temperature = 0, logprobs = 0 }));
        }

        var together = await Task.WhenAll(Prompts.Select(p =>
            CompleteAsync(client, new { model = WorkerFactory.ServedName, prompt = p, max_tokens = 48, temperature = 0, logprobs = 0 })));

        Assert.Equal(alone, together);
    }

    [Fact]
    public async Task SeededSampledRequest_GivesTheSameTextAloneAndInABusyBatch()
    {
        var client = await factory.CreateReadyClientAsync();
        var seeded = new { model = WorkerFactory.ServedName, prompt = "Once upon a time", max_tokens = 48, temperature = 0.9, top_p = 0.95, seed = 1234, logprobs = 0 };
        var alone = await CompleteAsync(client, seeded);

        var busy = Prompts.Select((p, i) => CompleteAsync(client, new { model = WorkerFactory.ServedName, prompt = p, max_tokens = 40 + i, temperature = 1.0, logprobs = 0 })).ToList();
        var amid = await CompleteAsync(client, seeded);
        await Task.WhenAll(busy);

        Assert.Equal(alone, amid);
    }

    /// <summary>The choice's text, tokens and their log-probabilities' exact bits, as one comparable string.</summary>
    private static async Task<string> CompleteAsync(HttpClient client, object request)
    {
        using var response = await client.PostAsJsonAsync("/v1/completions", request, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var choice = body.RootElement.GetProperty("choices")[0];
        var logprobs = choice.GetProperty("logprobs");
        var bits = logprobs.GetProperty("token_logprobs").EnumerateArray().Select(v => BitConverter.SingleToInt32Bits(v.GetSingle()));
        return $"{choice.GetProperty("text").GetString()}|{string.Join(',', logprobs.GetProperty("tokens").EnumerateArray())}|{string.Join(',', bits)}";
    }
}
