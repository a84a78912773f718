using System.Net;
using LlmServe.Gateway.Autoscaling;
using LlmServe.Gateway.Registry;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlmServe.Gateway.Tests.Autoscaling;

public sealed class ReplicaProbeServiceTests
{
    private static readonly Uri Stopped = new("http://127.0.0.1:5101/");
    private static readonly Uri Live = new("http://127.0.0.1:5102/");

    [Fact]
    public async Task ProbeAll_AReplicaWhoseProbeHangs_DoesNotDelayTheOthersNextProbe()
    {
        var gateway = new GatewayOptions
        {
            Deployments = [new DeploymentOptions
            {
                Name = "m", Upstream = Stopped.ToString(),
                Autoscaling = new AutoscalingOptions { MinReplicas = 0, MaxReplicas = 2, ReplicaUpstreams = [Live.ToString()] },
            }],
        };
        var options = new StaticOptionsMonitor<GatewayOptions>(gateway);
        var settings = new StaticOptionsMonitor<AutoscalerSettings>(new AutoscalerSettings { ProbeTimeoutS = 30 });
        var health = new ReplicaHealthTable();
        using var registry = new ModelRegistryProvider(options, TimeProvider.System);
        var pool = new ReplicaPoolResolver(new StaticReplicaResolver(), health, options, settings, TimeProvider.System);
        using var handler = new ReplicasHandler();
        var service = new ReplicaProbeService(registry, pool, health, new Factory(handler), settings, TimeProvider.System,
            NullLogger<ReplicaProbeService>.Instance);
        var token = TestContext.Current.CancellationToken;

        // Round 1: the live replica answers, the stopped one hangs (as behind Aspire's proxy) for the 30 s timeout.
        _ = service.ProbeAllAsync(token);
        await WaitUntil(() => health.For("m").Any(r => r.Address == Live && r.Ready));

        // Round 2 probes only the live replica again, so it completes (and sees the change) without waiting 30 s.
        handler.LiveStatus = HttpStatusCode.ServiceUnavailable;
        await service.ProbeAllAsync(token).WaitAsync(TimeSpan.FromSeconds(5), token);

        Assert.False(health.For("m").Single(r => r.Address == Live).Ready);
        Assert.Equal(1, handler.StoppedProbes);   // the hung probe was not started twice
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
        Assert.True(condition());
    }

    private sealed class ReplicasHandler : HttpMessageHandler
    {
        private int _stoppedProbes;

        public volatile HttpStatusCode LiveStatus = HttpStatusCode.OK;

        public int StoppedProbes => Volatile.Read(ref _stoppedProbes);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri!.Port == Stopped.Port)   // the test sets every request's URI
            {
                Interlocked.Increment(ref _stoppedProbes);
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            return new HttpResponseMessage(LiveStatus)
            {
                Content = new StringContent("""{"running":0,"waiting":0,"kv_cache_usage":0,"num_blocks":1}""", System.Text.Encoding.UTF8, "application/json"),
            };
        }
    }

    private sealed class Factory(HttpMessageHandler handler) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new(handler, disposeHandler: false);
    }
}
