using System.Net;
using System.Net.Sockets;
using LlmServe.Gateway.Registry;
using LlmServe.Gateway.Routing;
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

/// <summary>
/// A real Kestrel-hosted gateway (so streaming and disconnects are real) in front of a <see cref="FakeWorker"/>,
/// configured the way the AppHost would: through the <c>Gateway</c> section and <c>services</c> discovery keys.
/// </summary>
public sealed class GatewayFixture : IAsyncLifetime
{
    public const string EchoModel = "echo-model";
    public const string EchoAlias = "echo-alias";
    public const string SlashAlias = "org/Echo-1B";
    public const string DiscoveredModel = "discovered-model";
    public const string DownModel = "down-model";
    public const string EmptyModel = "empty-model";

    private GatewayFactory? _factory;
    private FakeWorker? _worker;
    private HttpClient? _client;

    public FakeWorker Worker => _worker ?? throw new InvalidOperationException("Fixture not initialized.");

    /// <summary>A plain socket client (not the in-memory test handler) pointed at the gateway.</summary>
    public HttpClient Client => _client ?? throw new InvalidOperationException("Fixture not initialized.");

    public async ValueTask InitializeAsync()
    {
        _worker = await FakeWorker.StartAsync();
        var settings = new Dictionary<string, string?>
        {
            ["Gateway:Deployments:0:Name"] = EchoModel,
            ["Gateway:Deployments:0:Aliases:0"] = EchoAlias,
            ["Gateway:Deployments:0:Aliases:1"] = SlashAlias,
            ["Gateway:Deployments:0:Upstream"] = _worker.BaseAddress.ToString(),
            ["Gateway:Deployments:1:Name"] = DiscoveredModel,
            ["Gateway:Deployments:1:Upstream"] = "http://worker-discovered",
            ["Gateway:Deployments:1:OwnedBy"] = "tests",
            ["services:worker-discovered:http:0"] = _worker.BaseAddress.ToString(),
            ["Gateway:Deployments:2:Name"] = DownModel,
            ["Gateway:Deployments:2:Upstream"] = $"http://127.0.0.1:{GetClosedPort()}",
            ["Gateway:Deployments:3:Name"] = EmptyModel,
            ["Gateway:Deployments:3:Upstream"] = "http://worker-empty",
        };

        _factory = new GatewayFactory(settings);
        _factory.UseKestrel(0);
        _factory.StartServer();

        var address = _factory.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        // No propagator: the tests set traceparent themselves and must not get a second one from this process's listeners.
        var handler = new SocketsHttpHandler { ActivityHeadersPropagator = null };
        _client = new HttpClient(handler) { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };
    }

    public async ValueTask DisposeAsync()
    {
        _client?.Dispose();
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
        if (_worker is not null)
        {
            await _worker.DisposeAsync();
        }
    }

    /// <summary>A loopback port nothing listens on (bound then released), so connecting is refused at once.</summary>
    private static int GetClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private sealed class GatewayFactory(Dictionary<string, string?> settings) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(settings));
            builder.ConfigureLogging(logging => logging.ClearProviders());
            builder.ConfigureTestServices(services =>
            {
                // Discovery reporting zero endpoints for one deployment, to exercise the 503 path.
                services.AddSingleton<ServiceDiscoveryReplicaResolver>();
                services.AddSingleton<IReplicaResolver>(sp =>
                    new NoEndpointsFor(EmptyModel, sp.GetRequiredService<ServiceDiscoveryReplicaResolver>()));
            });
        }
    }

    private sealed class NoEndpointsFor(string deployment, IReplicaResolver inner) : IReplicaResolver
    {
        public ValueTask<IReadOnlyList<Uri>> ResolveAsync(Deployment target, CancellationToken cancellationToken) =>
            target.Name == deployment ? ValueTask.FromResult<IReadOnlyList<Uri>>([]) : inner.ResolveAsync(target, cancellationToken);
    }
}
