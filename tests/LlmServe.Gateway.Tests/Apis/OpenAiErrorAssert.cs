using System.Net;
using System.Text.Json;

namespace LlmServe.Gateway.Tests.Apis;

/// <summary>Asserts that a response is an OpenAI-shaped error: <c>{"error":{"message","type","param","code"}}</c>.</summary>
internal static class OpenAiErrorAssert
{
    public static async Task<JsonElement> IsErrorAsync(HttpResponseMessage response, HttpStatusCode status, string type)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        using var document = JsonDocument.Parse(body);
        var error = document.RootElement.GetProperty("error");
        Assert.Equal(type, error.GetProperty("type").GetString());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()), body);
        Assert.True(error.TryGetProperty("param", out _), body);
        Assert.True(error.TryGetProperty("code", out _), body);
        return error.Clone();
    }

    public static async Task<JsonElement> IsBadRequestAsync(HttpResponseMessage response, string? param)
    {
        var error = await IsErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request_error");
        Assert.Equal(param, error.GetProperty("param").GetString());
        return error;
    }
}
