using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace LlmServe.Rag.Tests.Infrastructure;

/// <summary>The RAG service in memory, talking to the gateway at <paramref name="gatewayUrl"/>.</summary>
internal sealed class RagAppFactory(
    string gatewayUrl = "http://127.0.0.1:9", string? apiKey = null, IReadOnlyDictionary<string, string>? settings = null) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Rag:GatewayUrl", gatewayUrl);
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            builder.UseSetting(key, value);
        }
        if (apiKey is not null)
        {
            builder.UseSetting("Rag:ApiKey", apiKey);
        }
    }

    /// <summary>A client, once startup ingestion has finished (readiness is part of /health).</summary>
    public async Task<HttpClient> CreateReadyClientAsync(CancellationToken cancellationToken)
    {
        var client = CreateClient();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            using var health = await client.GetAsync(new Uri("/health", UriKind.Relative), cancellationToken);
            if (health.StatusCode == HttpStatusCode.OK)
            {
                return client;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The RAG service did not become ready within 10 s.");
            }
            await Task.Delay(20, cancellationToken);
        }
    }
}
