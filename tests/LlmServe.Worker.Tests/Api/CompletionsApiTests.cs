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
    public async Task Post_SeededSampling_IsReproducible()
    {
        var client = await factory.CreateReadyClientAsync();
        var request = new { model = "stories", prompt = "The dog", max_tokens = 16, temperature = 1.0, seed = 1234 };

        var a = await PostAsync(client, request);
        var b = await PostAsync(client, request);

        Assert.Equal(a.GetProperty("choices")[0].GetProperty("text").GetString(), b.GetProperty("choices")[0].GetProperty("text").GetString());
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
