using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace LlmServe.Worker.Tests.Compatibility;

/// <summary>
/// The real worker app behind Kestrel on 127.0.0.1 (a free port picked by the OS), so that clients talk to it over
/// real HTTP exactly as they would to a deployed worker. Only configuration is set; no service is replaced.
/// </summary>
public sealed class KestrelWorker : WebApplicationFactory<Program>
{
    private readonly IReadOnlyDictionary<string, string> _settings;

    public KestrelWorker(IReadOnlyDictionary<string, string> settings)
    {
        _settings = settings;
        UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
    }

    /// <summary>The server's root, e.g. <c>http://127.0.0.1:41234/</c>; set by <see cref="StartAsync"/>.</summary>
    public Uri BaseUri { get; private set; } = new("http://127.0.0.1/");

    /// <summary>The OpenAI base URL clients are given: <see cref="BaseUri"/> + <c>v1</c>.</summary>
    public Uri OpenAiEndpoint => new(BaseUri, "v1");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>Starts Kestrel and waits (over HTTP) until /health reports the model loaded.</summary>
    public async Task StartAsync(TimeSpan timeout)
    {
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses
            ?? throw new InvalidOperationException("Kestrel reports no addresses.");
        BaseUri = new Uri(addresses.Single().TrimEnd('/') + "/");

        using var http = new HttpClient { BaseAddress = BaseUri };
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            using var health = await http.GetAsync("health");
            if (health.IsSuccessStatusCode)
            {
                return;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The worker at {BaseUri} was not healthy within {timeout}: {(int)health.StatusCode} {await health.Content.ReadAsStringAsync()}");
            }
            await Task.Delay(100);
        }
    }
}
