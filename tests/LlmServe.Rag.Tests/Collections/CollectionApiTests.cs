using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LlmServe.Rag.Tests.Infrastructure;

namespace LlmServe.Rag.Tests.Collections;

/// <summary>The collection endpoints over HTTP, embedding through the real MiniLM worker into the embedded store.</summary>
[Collection(EmbeddingWorkerCollection.Name)]
public sealed class CollectionApiTests(EmbeddingWorkerFixture worker) : IAsyncLifetime
{
    private const string Guide = """
        # Paging Guide

        ## Blocks

        The key-value cache is split into fixed-size blocks so that memory is allocated on demand.

        ## Eviction

        When memory runs out the scheduler preempts the newest request and frees its blocks.
        """;

    private CollectionApp _app = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private HttpClient Client => _app.Client;

    public async ValueTask InitializeAsync()
    {
        _app = new CollectionApp(worker);
        using var created = await Client.PostAsJsonAsync("/v1/rag/collections", new { name = "docs" }, Token);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>(Token);
        Assert.Equal(384, body.GetProperty("dimension").GetInt32());
        Assert.Equal("rag/docs", body.GetProperty("model").GetString());
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task UploadingTheSameDocumentTwice_StoresItOnce_AndDeleteRemovesIt()
    {
        var first = await UploadAsync("guide.md", Guide, "text/markdown");
        var second = await UploadAsync("guide.md", Guide, "text/markdown");

        Assert.Equal("Paging Guide", first.GetProperty("title").GetString());
        Assert.Equal(first.GetProperty("chunks").GetInt32(), second.GetProperty("chunks").GetInt32());
        Assert.Equal(first.GetProperty("chunks").GetInt32(), _app.Store.Find("docs")!.Count);
        var hits = await SearchAsync("How is memory freed when it runs out?");
        Assert.Equal(("guide.md", "Eviction"), (hits[0].GetProperty("document").GetString(), hits[0].GetProperty("heading").GetString()));

        using (var deleted = await Client.DeleteAsync("/v1/rag/collections/docs/documents/guide.md", Token))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }
        using var again = await Client.DeleteAsync("/v1/rag/collections/docs/documents/guide.md", Token);
        await AssertErrorAsync(again, HttpStatusCode.NotFound, "document_not_found");
        Assert.Equal(0, _app.Store.Find("docs")!.Count);
    }

    [Fact]
    public async Task HtmlAndPdf_AreParsedWithHeadingsAsMetadata()
    {
        await UploadAsync("page.html", """
            <html><head><title>Lighthouses</title><script>var x = 1;</script></head>
            <body><h1>Lighthouses</h1><h2>Lenses</h2><p>A Fresnel lens concentrates the lamp's light into a beam seen far out at sea.</p></body></html>
            """, "text/html");
        var pdf = TestPdf.Create("Glaciers carve valleys as they slide downhill.", "Icebergs calve from the glacier front into the sea.");
        using var pdfResponse = await Client.PutAsync("/v1/rag/collections/docs/documents/ice.pdf", Bytes(pdf, "application/pdf"), Token);
        Assert.Equal(HttpStatusCode.OK, pdfResponse.StatusCode);

        var lens = await SearchAsync("What focuses a lighthouse beam?");
        var ice = await SearchAsync("Where do icebergs come from?");

        Assert.Equal(("page.html", "Lenses", "Lighthouses"),
            (lens[0].GetProperty("document").GetString(), lens[0].GetProperty("heading").GetString(), lens[0].GetProperty("title").GetString()));
        Assert.DoesNotContain("var x", lens[0].GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal(("ice.pdf", "Page 2"), (ice[0].GetProperty("document").GetString(), ice[0].GetProperty("heading").GetString()));
    }

    [Fact]
    public async Task MetadataFilter_LimitsTheSearch()
    {
        await UploadAsync("a.md?metadata.team=red", "# A\n\nThe red team owns the gateway.", "text/markdown");
        await UploadAsync("b.md?metadata.team=blue", "# B\n\nThe blue team owns the gateway.", "text/markdown");

        using var response = await Client.PostAsJsonAsync("/v1/rag/collections/docs/search",
            new { question = "Who owns the gateway?", top_k = 5, filter = new { team = "blue" } }, Token);

        var hits = (await response.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(["b.md"], hits.Select(h => h.GetProperty("document").GetString()));
    }

    [Fact]
    public async Task BadUploads_Get4xx_AndLeaveTheCollectionAsItWas()
    {
        await UploadAsync("guide.md", Guide, "text/markdown");
        var count = _app.Store.Find("docs")!.Count;

        using (var broken = await Client.PutAsync("/v1/rag/collections/docs/documents/broken.pdf", Bytes("%PDF-1.7 this is not a pdf"u8.ToArray(), "application/pdf"), Token))
        {
            await AssertErrorAsync(broken, HttpStatusCode.UnprocessableEntity, "malformed_document");
        }
        using (var binary = await Client.PutAsync("/v1/rag/collections/docs/documents/guide.md", Bytes([0xFF, 0xFE, 0x00, 0xC3], "text/markdown"), Token))
        {
            await AssertErrorAsync(binary, HttpStatusCode.UnprocessableEntity, "malformed_document");
        }
        using (var huge = await Client.PutAsync("/v1/rag/collections/docs/documents/huge.txt",
            Bytes(Encoding.UTF8.GetBytes(new string('a', (int)CollectionApp.MaxUploadBytes + 1)), "text/plain"), Token))
        {
            await AssertErrorAsync(huge, HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        }
        using (var image = await Client.PutAsync("/v1/rag/collections/docs/documents/cat.png", Bytes([1, 2, 3], "image/png"), Token))
        {
            await AssertErrorAsync(image, HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        }
        using (var missing = await Client.PutAsync("/v1/rag/collections/nope/documents/a.md", Bytes("# A"u8.ToArray(), "text/markdown"), Token))
        {
            await AssertErrorAsync(missing, HttpStatusCode.NotFound, "collection_not_found");
        }

        Assert.Equal(count, _app.Store.Find("docs")!.Count);
        Assert.Equal("guide.md", (await SearchAsync("fixed-size blocks"))[0].GetProperty("document").GetString());
    }

    [Theory]
    [InlineData("""{"name":"Bad Name"}""", "name")]
    [InlineData("""{"name":"ok","dimension":0}""", "dimension")]
    [InlineData("""{"name":"ok","embedding_model":""}""", "embedding_model")]
    public async Task InvalidCollections_Get400NamingTheParameter(string body, string param)
    {
        using var response = await Client.PostAsync("/v1/rag/collections", new StringContent(body, Encoding.UTF8, "application/json"), Token);

        var error = await AssertErrorAsync(response, HttpStatusCode.BadRequest, null);
        Assert.Equal(param, error.GetProperty("param").GetString());
    }

    [Fact]
    public async Task ACollectionForAModelTheGatewayDoesNotServe_Gets400NamingTheModel()
    {
        using var response = await Client.PostAsJsonAsync("/v1/rag/collections", new { name = "other", embedding_model = "no-such-model" }, Token);

        var error = await AssertErrorAsync(response, HttpStatusCode.BadRequest, "model_not_found");
        Assert.Equal("embedding_model", error.GetProperty("param").GetString());
        Assert.Contains("no-such-model", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACollectionWithAnotherDimension_Conflicts()
    {
        using var response = await Client.PostAsJsonAsync("/v1/rag/collections", new { name = "docs", dimension = 8 }, Token);

        await AssertErrorAsync(response, HttpStatusCode.Conflict, "collection_conflict");
    }

    private async Task<JsonElement> UploadAsync(string id, string text, string contentType)
    {
        using var response = await Client.PutAsync($"/v1/rag/collections/docs/documents/{id}", Bytes(Encoding.UTF8.GetBytes(text), contentType), Token);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Token));
        return await response.Content.ReadFromJsonAsync<JsonElement>(Token);
    }

    private async Task<List<JsonElement>> SearchAsync(string question)
    {
        using var response = await Client.PostAsJsonAsync("/v1/rag/collections/docs/search", new { question, top_k = 3 }, Token);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Token));
        return [.. (await response.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("data").EnumerateArray()];
    }

    private static ByteArrayContent Bytes(byte[] content, string contentType)
    {
        var body = new ByteArrayContent(content);
        body.Headers.ContentType = new(contentType);
        return body;
    }

    private static async Task<JsonElement> AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string? code)
    {
        Assert.Equal(status, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
        if (code is not null)
        {
            Assert.Equal(code, error.GetProperty("code").GetString());
        }
        return error;
    }
}
