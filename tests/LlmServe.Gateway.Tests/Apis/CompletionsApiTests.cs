using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LlmServe.Gateway.Tests.Infrastructure;

namespace LlmServe.Gateway.Tests.Apis;

[Collection(GatewayCollection.Name)]
public sealed class CompletionsApiTests(GatewayFixture fixture)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Theory]
    [InlineData("/v1/completions", """{"model":"echo-model","prompt":"Once upon a time","max_tokens":8}""",
        """{"model":"echo-model","prompt":"Once upon a time","max_tokens":8}""")]
    [InlineData("/v1/completions", """{"model":"echo-alias","prompt":[1,2,3]}""", """{"model":"echo-model","prompt":[1,2,3]}""")]
    public async Task Post_ValidBody_ForwardsToSamePathWithServedModel(string path, string body, string forwarded)
    {
        using var response = await fixture.Client.PostAsync(path, Json(body), Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
        Assert.Equal(path, echo.GetProperty("path").GetString());
        Assert.Equal(forwarded, echo.GetProperty("body").GetString());
    }

    [Theory]
    [InlineData("/v1/completions", """{"model":"echo-model"}""", "prompt")]
    [InlineData("/v1/completions", """{"model":"echo-model","prompt":3}""", "prompt")]
    [InlineData("/v1/completions", """{"model":"echo-model","prompt":"x","n":0}""", "n")]
    public async Task Post_InvalidBody_Returns400NamingParam(string path, string body, string param)
    {
        using var response = await fixture.Client.PostAsync(path, Json(body), Cancellation);

        await OpenAiErrorAssert.IsBadRequestAsync(response, param);
    }

    [Theory]
    [InlineData("/v1/completions", """{"model":"nope","prompt":"x"}""")]
    public async Task Post_UnknownModel_Returns404(string path, string body)
    {
        using var response = await fixture.Client.PostAsync(path, Json(body), Cancellation);

        await OpenAiErrorAssert.IsErrorAsync(response, HttpStatusCode.NotFound, "NotFoundError");
    }
}
