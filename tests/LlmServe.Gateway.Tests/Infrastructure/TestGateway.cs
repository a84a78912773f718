using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmServe.Gateway.Tests.Infrastructure;

/// <summary>A real Kestrel gateway with its own configuration, for tests that need a dedicated setup.</summary>
public sealed class TestGateway : IAsyncDisposable
{
    private readonly Factory _factory;

    private TestGateway(Factory factory, HttpClient client)
    {
        _factory = factory;
        Client = client;
    }

    public HttpClient Client { get; }

    public IServiceProvider Services => _factory.Services;

    /// <summary>The gateway's configuration root, to edit values and <c>Reload()</c> like a changed config file.</summary>
    public IConfigurationRoot Configuration => (IConfigurationRoot)_factory.Services.GetRequiredService<IConfiguration>();

    public static TestGateway Start(Dictionary<string, string?> settings, Action<IServiceCollection>? services = null)
    {
        var factory = new Factory(settings, services);
        factory.UseKestrel(0);
        factory.StartServer();
        var address = factory.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        var handler = new SocketsHttpHandler { ActivityHeadersPropagator = null, MaxConnectionsPerServer = 512 };
        return new TestGateway(factory, new HttpClient(handler) { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) });
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _factory.DisposeAsync();
    }

    private sealed class Factory(Dictionary<string, string?> settings, Action<IServiceCollection>? services) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(settings));
            builder.ConfigureLogging(logging => logging.ClearProviders());
            if (services is not null)
            {
                builder.ConfigureTestServices(services);
            }
        }
    }
}
