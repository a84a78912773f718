using LlmServe.TestUtilities;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace LlmServe.Worker.Tests.Api;

/// <summary>The worker app serving the shared TinyStories checkpoint, shared by the API tests.</summary>
public sealed class WorkerFactory : WebApplicationFactory<Program>
{
    public const string ServedName = "stories";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Worker:Model", TestModels.Stories260K);
        builder.UseSetting("Worker:ServedModelName", ServedName);
        builder.UseSetting("Worker:MaxModelLen", "256");
    }

    public Task<HttpClient> CreateReadyClientAsync() => WaitUntilHealthyAsync(CreateClient());

    /// <summary>Polls /health until the model has loaded.</summary>
    public static async Task<HttpClient> WaitUntilHealthyAsync(HttpClient client)
    {
        for (var i = 0; i < 100; i++)
        {
            var health = await client.GetAsync("/health");
            if (health.IsSuccessStatusCode)
            {
                return client;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException("The worker did not become healthy.");
    }
}
