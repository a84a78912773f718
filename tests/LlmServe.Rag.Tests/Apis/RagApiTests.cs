using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LlmServe.Rag.Tests.Infrastructure;

namespace LlmServe.Rag.Tests.Apis;

public sealed class RagApiTests
{
    [Theory]
    [InlineData("{not json", null)]
    [InlineData("", null)]
    [InlineData("{}", "question")]
    [InlineData("{\"question\":\"\"}", "question")]
    [InlineData("{\"question\":\"q\",\"top_k\":0}", "top_k")]
    [InlineData("{\"question\":\"q\",\"max_tokens\":-1}", "max_tokens")]
    public async Task Query_BadBody_Returns400OpenAiError(string body, string? param)
    {
        await using var app = new RagAppFactory();
        using var client = app.CreateClient();

        using var response = await client.PostAsync(new Uri("/v1/rag/query", UriKind.Relative),
            new StringContent(body, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await ReadErrorAsync(response);
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task Documents_AfterIngestion_ListsSampleDocsWithChunkCounts()
    {
        await using var app = new RagAppFactory();
        using var client = await app.CreateReadyClientAsync(TestContext.Current.CancellationToken);

        var list = await client.GetFromJsonAsync<JsonElement>(new Uri("/v1/rag/documents", UriKind.Relative),
            TestContext.Current.CancellationToken);

        Assert.Equal("list", list.GetProperty("object").GetString());
        var documents = list.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(
            ["autoscaling.md", "kubernetes-gpu-nodes.md", "openai-compatible-api.md", "paged-kv-cache.md", "tinystories.md"],
            documents.Select(d => d.GetProperty("document").GetString()));
        Assert.All(documents, d => Assert.True(d.GetProperty("chunks").GetInt32() >= 2));
        Assert.Equal("Paged KV cache", documents[3].GetProperty("title").GetString());
    }

    [Fact]
    public async Task Health_AfterIngestion_ReportsHealthy()
    {
        await using var app = new RagAppFactory();
        using var client = await app.CreateReadyClientAsync(TestContext.Current.CancellationToken);

        var body = await client.GetStringAsync(new Uri("/health", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal("Healthy", body);
    }

    private static async Task<JsonElement> ReadErrorAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        return body.GetProperty("error");
    }
}
