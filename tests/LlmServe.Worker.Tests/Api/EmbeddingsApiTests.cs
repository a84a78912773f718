using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LlmServe.Worker.Tests.Model.Bert;

namespace LlmServe.Worker.Tests.Api;

public sealed class EmbeddingsApiTests(EmbeddingWorkerFactory factory) : IClassFixture<EmbeddingWorkerFactory>
{
    private const string Cat = "The cat sits on the mat.";
    private const string Feline = "A feline rests on a rug.";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Post_String_ReturnsTheReferenceEmbeddingWithUsage()
    {
        var client = await factory.CreateReadyClientAsync();

        var body = await PostAsync(client, new { model = EmbeddingWorkerFactory.ServedName, input = Cat });

        Assert.Equal("list", body.GetProperty("object").GetString());
        Assert.Equal(EmbeddingWorkerFactory.ServedName, body.GetProperty("model").GetString());
        var item = Assert.Single(body.GetProperty("data").EnumerateArray());
        Assert.Equal("embedding", item.GetProperty("object").GetString());
        Assert.Equal(0, item.GetProperty("index").GetInt32());
        var vector = Floats(item);
        Assert.Equal(384, vector.Length);
        Assert.Equal(0.13418, vector[0], 1e-3);
        Assert.Equal(-0.03290, vector[1], 1e-3);
        var tokens = factory.MiniLm.Tokenizer.Encode(Cat, addSpecial: true).Count;
        Assert.Equal(tokens, body.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(tokens, body.GetProperty("usage").GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public async Task Post_ArrayOfStrings_ReturnsOneEmbeddingPerInputInOrder()
    {
        var client = await factory.CreateReadyClientAsync();

        var body = await PostAsync(client, new { model = EmbeddingWorkerFactory.ServedName, input = new[] { Cat, Feline, Cat } });

        var data = body.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal([0, 1, 2], data.Select(d => d.GetProperty("index").GetInt32()));
        Assert.Equal(0.5584, BertParityTests.Cosine(Floats(data[0]), Floats(data[1])), 1e-3);
        Assert.Equal(Floats(data[0]), Floats(data[2]));
    }

    [Fact]
    public async Task Post_TokenIdsAndArraysOfTokenIds_EqualTheTextInput()
    {
        var client = await factory.CreateReadyClientAsync();
        var cat = factory.MiniLm.Tokenizer.Encode(Cat, addSpecial: true);
        var feline = factory.MiniLm.Tokenizer.Encode(Feline, addSpecial: true);

        var text = await PostAsync(client, new { model = EmbeddingWorkerFactory.ServedName, input = new[] { Cat, Feline } });
        var ids = await PostAsync(client, new { model = EmbeddingWorkerFactory.ServedName, input = cat });
        var arrays = await PostAsync(client, new { model = EmbeddingWorkerFactory.ServedName, input = new[] { cat, feline } });

        var expected = text.GetProperty("data").EnumerateArray().Select(Floats).ToList();
        AssertClose(expected[0], Floats(ids.GetProperty("data")[0]));
        AssertClose(expected[0], Floats(arrays.GetProperty("data")[0]));
        AssertClose(expected[1], Floats(arrays.GetProperty("data")[1]));
        Assert.Equal(cat.Count + feline.Count, arrays.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
    }

    [Fact]
    public async Task Post_Base64_DecodesToTheFloatEmbedding()
    {
        var client = await factory.CreateReadyClientAsync();

        var floats = await PostAsync(client, new { model = EmbeddingWorkerFactory.ServedName, input = Cat, encoding_format = "float" });
        var base64 = await PostAsync(client, new { model = EmbeddingWorkerFactory.ServedName, input = Cat, encoding_format = "base64", dimensions = 384 });

        var bytes = Convert.FromBase64String(base64.GetProperty("data")[0].GetProperty("embedding").GetString()!);
        var decoded = Enumerable.Range(0, bytes.Length / 4).Select(i => BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * 4))).ToArray();
        Assert.Equal(Floats(floats.GetProperty("data")[0]), decoded);
    }

    [Fact]
    public async Task Post_ConcurrentRequests_AreEachAnsweredCorrectly()
    {
        var client = await factory.CreateReadyClientAsync();
        var sentences = Sentences.Varied[..12];
        var expected = factory.MiniLm.Embed(sentences);

        var bodies = await Task.WhenAll(sentences.Select(s => PostAsync(client, new { model = EmbeddingWorkerFactory.ServedName, input = s })));

        for (var i = 0; i < sentences.Length; i++)
        {
            AssertClose(expected[i], Floats(bodies[i].GetProperty("data")[0]));
        }
    }

    [Theory]
    [InlineData("""{"model":"minilm"}""", "input")]
    [InlineData("""{"model":"minilm","input":{}}""", "input")]
    [InlineData("""{"model":"minilm","input":[]}""", "input")]
    [InlineData("""{"model":"minilm","input":""}""", "input")]
    [InlineData("""{"model":"minilm","input":["a",""]}""", "input")]
    [InlineData("""{"model":"minilm","input":["a",1]}""", "input")]
    [InlineData("""{"model":"minilm","input":[[]]}""", "input")]
    [InlineData("""{"model":"minilm","input":[101,30522,102]}""", "input")]
    [InlineData("""{"model":"minilm","input":[[101,-1,102]]}""", "input")]
    [InlineData("""{"model":"minilm","input":[1.5]}""", "input")]
    [InlineData("""{"input":"hi"}""", "model")]
    [InlineData("""{"model":"minilm","input":"hi","encoding_format":"int8"}""", "encoding_format")]
    [InlineData("""{"model":"minilm","input":"hi","dimensions":128}""", "dimensions")]
    [InlineData("""{"model":"minilm","input":"hi","dimensions":"all"}""", "dimensions")]
    public async Task Post_BadInput_Returns400NamingTheParam(string json, string param)
    {
        var client = await factory.CreateReadyClientAsync();

        var response = await client.PostAsync("/v1/embeddings", new StringContent(json, Encoding.UTF8, "application/json"), Cancellation);

        await AssertBadRequestAsync(response, param);
    }

    [Fact]
    public async Task Post_InputLongerThanMaxPositions_Returns400NamingInput()
    {
        var client = await factory.CreateReadyClientAsync();
        var ids = Enumerable.Repeat(1000, 513).ToArray();

        var response = await client.PostAsJsonAsync("/v1/embeddings", new { model = EmbeddingWorkerFactory.ServedName, input = ids }, Cancellation);

        var message = await AssertBadRequestAsync(response, "input");
        Assert.Contains("maximum context length is 512 tokens", message);
        Assert.Contains("513", message);
    }

    [Fact]
    public async Task Post_UnknownModel_Returns404()
    {
        var client = await factory.CreateReadyClientAsync();

        var response = await client.PostAsJsonAsync("/v1/embeddings", new { model = "text-embedding-3-small", input = "hi" }, Cancellation);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData("/v1/chat/completions", """{"model":"minilm","messages":[{"role":"user","content":"hi"}]}""")]
    [InlineData("/v1/completions", """{"model":"minilm","prompt":"hi"}""")]
    public async Task PostGeneration_OnAnEmbeddingModel_Returns400(string path, string json)
    {
        var client = await factory.CreateReadyClientAsync();

        var response = await client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"), Cancellation);

        Assert.Contains("does not support generation", await AssertBadRequestAsync(response, "model"));
    }

    [Fact]
    public async Task GetModels_ReportsTheEncodersContextLength()
    {
        var client = await factory.CreateReadyClientAsync();

        var models = await client.GetFromJsonAsync<JsonElement>("/v1/models", Cancellation);

        Assert.Equal(512, models.GetProperty("data")[0].GetProperty("max_model_len").GetInt32());
    }

    internal static async Task<string> AssertBadRequestAsync(HttpResponseMessage response, string param)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(param, error.GetProperty("param").GetString());
        return error.GetProperty("message").GetString()!;
    }

    private static async Task<JsonElement> PostAsync(HttpClient client, object request)
    {
        var response = await client.PostAsJsonAsync("/v1/embeddings", request, Cancellation);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
    }

    private static float[] Floats(JsonElement item) => [.. item.GetProperty("embedding").EnumerateArray().Select(e => e.GetSingle())];

    /// <summary>Batch composition changes padding and so the summation order: equal to float32 rounding, not bitwise.</summary>
    private static void AssertClose(float[] expected, float[] actual) =>
        Assert.All(expected.Zip(actual), p => Assert.Equal(p.First, p.Second, 1e-5));
}
