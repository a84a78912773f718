using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LlmServe.ServiceDefaults.OpenAi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmServe.ServiceDefaults.Tests.OpenAi;

public sealed class OpenAiErrorMiddlewareTests
{
    private sealed record Body(string Name);

    [Fact]
    public async Task UnhandledException_Becomes500InOpenAiShape()
    {
        await using var app = await StartAsync(a => a.MapGet("/boom", string () => throw new InvalidOperationException("secret detail")));
        using var client = Client(app);

        var response = await client.GetAsync("/boom", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("error");
        Assert.Equal(OpenAiError.Server, error.GetProperty("type").GetString());
        Assert.DoesNotContain("secret", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task MalformedJsonBody_Becomes400InOpenAiShape()
    {
        await using var app = await StartAsync(a => a.MapPost("/echo", (Body body) => body.Name));
        using var client = Client(app);

        var response = await client.PostAsync("/echo", new StringContent("{nope", System.Text.Encoding.UTF8, "application/json"),
            TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("error");
        Assert.Equal(OpenAiError.InvalidRequest, error.GetProperty("type").GetString());
    }

    [Fact]
    public async Task UnknownPathAndWrongMethod_Become404And405InOpenAiShape()
    {
        await using var app = await StartAsync(a =>
        {
            a.MapPost("/v1/things", () => "ok");
            a.MapGet("/empty", () => Results.NotFound(new { error = new { message = "kept", type = "t", param = (string?)null, code = (string?)null } }));
        });
        using var client = Client(app);
        var ct = TestContext.Current.CancellationToken;

        var missing = await client.GetAsync("/v1/nope", ct);
        var wrongMethod = await client.GetAsync("/v1/things", ct);
        var ownBody = await client.GetAsync("/empty", ct);

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        var error = (await missing.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("error");
        Assert.Equal("Invalid URL (GET /v1/nope)", error.GetProperty("message").GetString());
        Assert.Equal(OpenAiError.InvalidRequest, error.GetProperty("type").GetString());
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
        error = (await wrongMethod.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("error");
        Assert.Equal("Invalid method for URL (GET /v1/things)", error.GetProperty("message").GetString());
        // An endpoint's own 404 body is left alone.
        Assert.Equal("kept", (await ownBody.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("error").GetProperty("message").GetString());
    }

    private static async Task<WebApplication> StartAsync(Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddOpenAiErrors();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.UseOpenAiErrors();
        map(app);
        await app.StartAsync();
        return app;
    }

    private static HttpClient Client(WebApplication app) => new()
    {
        BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()),
    };
}
