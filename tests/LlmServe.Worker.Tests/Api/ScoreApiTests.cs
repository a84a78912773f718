using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace LlmServe.Worker.Tests.Api;

/// <summary>vLLM's /score and the rerank endpoints on the real MiniLM checkpoint, over HTTP.</summary>
public sealed class ScoreApiTests(EmbeddingWorkerFactory factory) : IClassFixture<EmbeddingWorkerFactory>
{
    private const string Cat = "The cat sits on the mat.";
    private const string Feline = "A feline rests on a rug.";
    private const string Markets = "Stock markets fell sharply after the central bank raised interest rates.";

    /// <summary>sentence-transformers' cosine similarity of <see cref="Cat"/> and <see cref="Feline"/> with this checkpoint.</summary>
    private const double CatFeline = 0.5584;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Score_OneAgainstMany_ReturnsEachPairsCosineWithUsage()
    {
        var client = await factory.CreateReadyClientAsync();

        var body = await PostAsync(client, "/v1/score", new { model = EmbeddingWorkerFactory.ServedName, text_1 = Cat, text_2 = new[] { Feline, Cat } });

        Assert.Equal("list", body.GetProperty("object").GetString());
        var data = body.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal([0, 1], data.Select(d => d.GetProperty("index").GetInt32()));
        Assert.All(data, d => Assert.Equal("score", d.GetProperty("object").GetString()));
        Assert.Equal(CatFeline, data[0].GetProperty("score").GetDouble(), 1e-3);
        Assert.Equal(1.0, data[1].GetProperty("score").GetDouble(), 1e-5);
        var tokens = 2 * Tokens(Cat) + Tokens(Feline);
        Assert.Equal(tokens, body.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
    }

    [Fact]
    public async Task Score_ManyAgainstMany_PairsByPosition()
    {
        var client = await factory.CreateReadyClientAsync();

        var body = await PostAsync(client, "/score",
            new { model = EmbeddingWorkerFactory.ServedName, text_1 = new[] { Feline, Cat }, text_2 = new[] { Cat, Cat } });

        var scores = body.GetProperty("data").EnumerateArray().Select(d => d.GetProperty("score").GetDouble()).ToList();
        Assert.Equal(CatFeline, scores[0], 1e-3);
        Assert.Equal(1.0, scores[1], 1e-5);
    }

    [Theory]
    [InlineData("""{"model":"minilm","text_1":["a","b"],"text_2":["a","b","c"]}""", "text_2")]
    [InlineData("""{"model":"minilm","text_1":"a"}""", "text_2")]
    [InlineData("""{"model":"minilm","text_1":[],"text_2":"a"}""", "text_1")]
    [InlineData("""{"model":"minilm","text_1":"a","text_2":[""]}""", "text_2")]
    public async Task Score_BadPairs_Returns400NamingTheField(string json, string param)
    {
        var client = await factory.CreateReadyClientAsync();

        using var response = await client.PostAsync("/v1/score",
            new StringContent(json.Replace("minilm", EmbeddingWorkerFactory.ServedName, StringComparison.Ordinal), System.Text.Encoding.UTF8, "application/json"),
            Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("error");
        Assert.Equal(param, error.GetProperty("param").GetString());
    }

    [Fact]
    public async Task Rerank_Documents_BestFirstCutToTopN()
    {
        var client = await factory.CreateReadyClientAsync();

        var body = await PostAsync(client, "/v1/rerank",
            new { model = EmbeddingWorkerFactory.ServedName, query = Cat, documents = new object[] { Markets, Feline, new { text = Cat } }, top_n = 2 });

        var results = body.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal([2, 1], results.Select(r => r.GetProperty("index").GetInt32()));
        Assert.Equal(Cat, results[0].GetProperty("document").GetProperty("text").GetString());
        Assert.Equal(1.0, results[0].GetProperty("relevance_score").GetDouble(), 1e-5);
        Assert.Equal(CatFeline, results[1].GetProperty("relevance_score").GetDouble(), 1e-3);
        Assert.Equal(2 * Tokens(Cat) + Tokens(Feline) + Tokens(Markets), body.GetProperty("usage").GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public async Task Rerank_WithoutTopN_RanksEveryDocument()
    {
        var client = await factory.CreateReadyClientAsync();

        var body = await PostAsync(client, "/rerank", new { model = EmbeddingWorkerFactory.ServedName, query = Feline, documents = new[] { Markets, Cat } });

        var results = body.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal([1, 0], results.Select(r => r.GetProperty("index").GetInt32()));
        Assert.True(results[0].GetProperty("relevance_score").GetDouble() > results[1].GetProperty("relevance_score").GetDouble());
    }

    private int Tokens(string text) => factory.MiniLm.Tokenizer.Encode(text, addSpecial: true).Count;

    private static async Task<JsonElement> PostAsync(HttpClient client, string path, object request)
    {
        using var response = await client.PostAsJsonAsync(path, request, Cancellation);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
    }
}
