using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LlmServe.Gateway.Tests.Infrastructure;

namespace LlmServe.Gateway.Tests.Apis;

[Collection(GatewayCollection.Name)]
public sealed class EmbeddingsApiTests(GatewayFixture fixture)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Theory]
    [InlineData("/v1/embeddings", """{"model":"echo-model","input":["a","b"]}""")]
    [InlineData("/v1/embeddings", """{"model":"discovered-model","input":"hello"}""")]
    public async Task Post_ValidBody_ForwardsToSamePath(string path, string body)
    {
        using var response = await fixture.Client.PostAsync(path, Json(body), Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
        Assert.Equal(path, echo.GetProperty("path").GetString());
        Assert.Equal(body, echo.GetProperty("body").GetString());
    }

    [Theory]
    [InlineData("/v1/embeddings", """{"model":"echo-model"}""", "input")]
    [InlineData("/v1/embeddings", """{"model":"echo-model","input":{}}""", "input")]
    [InlineData("/v1/embeddings", """{"input":"x"}""", "model")]
    public async Task Post_InvalidBody_Returns400NamingParam(string path, string body, string param)
    {
        using var response = await fixture.Client.PostAsync(path, Json(body), Cancellation);

        await OpenAiErrorAssert.IsBadRequestAsync(response, param);
    }

    [Theory]
    [InlineData("/v1/embeddings", """{"model":"nope","input":"x"}""")]
    public async Task Post_UnknownModel_Returns404(string path, string body)
    {
        using var response = await fixture.Client.PostAsync(path, Json(body), Cancellation);

        await OpenAiErrorAssert.IsErrorAsync(response, HttpStatusCode.NotFound, "NotFoundError");
    }
}
