using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmServe.IntegrationTests.Infrastructure;

/// <summary>
/// Boots the whole AppHost once for the collection (real worker, gateway, rag and agents processes) and waits until
/// every resource reports healthy. Traces are exported to an in-test OTLP receiver.
/// </summary>
public sealed class AppHostFixture : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);
    private DistributedApplication? _app;

    public OtlpTraceReceiver Traces { get; } = new();

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The app has not started.");

    public async ValueTask InitializeAsync()
    {
        await Traces.StartAsync();
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.LlmServe_AppHost>();
        builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        foreach (var project in builder.Resources.OfType<ProjectResource>())
        {
            builder.CreateResourceBuilder(project).WithEnvironment(context =>
            {
                context.EnvironmentVariables["OTEL_EXPORTER_OTLP_ENDPOINT"] = Traces.Endpoint;
                context.EnvironmentVariables["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
                context.EnvironmentVariables["OTEL_BSP_SCHEDULE_DELAY"] = "200";
            });
        }
        var agents = builder.Resources.OfType<ProjectResource>().Single(p => p.Name == "agents");
        builder.CreateResourceBuilder(agents).WithEnvironment(context =>
        {
            foreach (var (key, value) in TestAgents.Settings)
            {
                context.EnvironmentVariables[key] = value;
            }
        });
        _app = await builder.BuildAsync();
        using var cts = new CancellationTokenSource(StartTimeout);
        await _app.StartAsync(cts.Token);
        foreach (var name in new[] { "worker-stories260k", "worker-minilm", "gateway", "rag", "agents" })
        {
            await _app.ResourceNotifications.WaitForResourceHealthyAsync(name, cts.Token);
        }
    }

    public HttpClient CreateClient(string resource) => App.CreateHttpClient(resource, "http");

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
        await Traces.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class AppHostCollection : ICollectionFixture<AppHostFixture>
{
    public const string Name = "apphost";
}
