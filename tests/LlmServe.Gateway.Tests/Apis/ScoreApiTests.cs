using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LlmServe.Gateway.Tests.Infrastructure;

namespace LlmServe.Gateway.Tests.Apis;

[Collection(GatewayCollection.Name)]
public sealed class ScoreApiTests(GatewayFixture fixture)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Theory]
    [InlineData("/v1/score", """{"model":"echo-model","text_1":"a","text_2":["b","c"]}""")]
    [InlineData("/v1/rerank", """{"model":"echo-model","query":"a","documents":["b","c"],"top_n":1}""")]
    [InlineData("/v2/rerank", """{"model":"discovered-model","query":"a","documents":[{"text":"b"}]}""")]
    public async Task Post_ValidBody_ForwardsToSamePath(string path, string body)
    {
        using var response = await fixture.Client.PostAsync(path, Json(body), Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
        Assert.Equal(path, echo.GetProperty("path").GetString());
        Assert.Equal(body, echo.GetProperty("body").GetString());
    }

    [Theory]
    [InlineData("/v1/score", """{"model":"echo-model","text_2":"b"}""", "text_1")]
    [InlineData("/v1/score", """{"model":"echo-model","text_1":"a","text_2":7}""", "text_2")]
    [InlineData("/v1/rerank", """{"model":"echo-model","documents":["b"]}""", "query")]
    [InlineData("/v2/rerank", """{"model":"echo-model","query":"a","documents":"b"}""", "documents")]
    [InlineData("/v1/rerank", """{"query":"a","documents":["b"]}""", "model")]
    public async Task Post_InvalidBody_Returns400NamingParam(string path, string body, string param)
    {
        using var response = await fixture.Client.PostAsync(path, Json(body), Cancellation);

        await OpenAiErrorAssert.IsBadRequestAsync(response, param);
    }

    [Theory]
    [InlineData("/v1/score", """{"model":"nope","text_1":"a","text_2":"b"}""")]
    [InlineData("/v2/rerank", """{"model":"nope","query":"a","documents":["b"]}""")]
    public async Task Post_UnknownModel_Returns404(string path, string body)
    {
        using var response = await fixture.Client.PostAsync(path, Json(body), Cancellation);

        await OpenAiErrorAssert.IsErrorAsync(response, HttpStatusCode.NotFound, "NotFoundError");
    }
}
