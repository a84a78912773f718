using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net.Http.Json;
using System.Text;
using LlmServe.Gateway.Telemetry;
using LlmServe.Gateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace LlmServe.Gateway.Tests.Telemetry;

/// <summary>The gateway's instruments as a real request path records them.</summary>
public sealed class GatewayMetricsApiTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Post_StreamAnd500s_RecordsTtftErrorsEjectionsAndGauges()
    {
        await using var good = await FakeWorker.StartAsync();
        await using var broken = await FakeWorker.StartAsync();
        broken.DefaultMode = "status:500";
        await using var gateway = TestGateway.Start(new()
        {
            ["Gateway:Deployments:0:Name"] = "good",
            ["Gateway:Deployments:0:Upstream"] = good.BaseAddress.ToString(),
            ["Gateway:Deployments:0:MaxOngoingRequests"] = "4",
            ["Gateway:Deployments:1:Name"] = "broken",
            ["Gateway:Deployments:1:Upstream"] = broken.BaseAddress.ToString(),
            ["Gateway:Resilience:ConsecutiveFailures"] = "2",
            ["Gateway:Resilience:HealthCheckInterval"] = null,
        });
        var meterFactory = gateway.Services.GetRequiredService<IMeterFactory>();
        var seen = new ConcurrentBag<(string Name, double Value, string? Deployment, string? Kind)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == meterFactory && instrument.Meter.Name == GatewayTelemetry.SourceName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => seen.Add((i.Name, v, Find(tags, "deployment"), Find(tags, "error_kind"))));
        listener.SetMeasurementEventCallback<int>((i, v, tags, _) => seen.Add((i.Name, v, Find(tags, "deployment"), null)));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => seen.Add((i.Name, v, Find(tags, "deployment"), null)));
        listener.Start();

        using (var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions"))
        {
            request.Content = new StringContent("""{"model":"good","messages":[{"role":"user","content":"hi"}],"stream":true}""", Encoding.UTF8, "application/json");
            request.Headers.Add(FakeWorker.StreamIdHeader, "metrics");
            good.Release("metrics");
            using var response = await gateway.Client.SendAsync(request, Cancellation);
            await response.Content.ReadAsStringAsync(Cancellation);
        }
        for (var i = 0; i < 2; i++)
        {
            using var response = await gateway.Client.PostAsJsonAsync("/v1/completions", new { model = "broken", prompt = "hi" }, Cancellation);
        }
        listener.RecordObservableInstruments();

        Assert.Contains(seen, m => m.Name == GatewayTelemetry.TimeToFirstByte && m.Deployment == "good" && m.Value > 0);
        Assert.Equal(2, seen.Count(m => m.Name == GatewayTelemetry.ErrorsTotal && m.Deployment == "broken" && m.Kind == "status_5xx"));
        Assert.Single(seen, m => m.Name == GatewayTelemetry.EjectionsTotal && m.Deployment == "broken");
        Assert.Contains(seen, m => m.Name == GatewayTelemetry.QueuedRequests && m.Deployment == "good" && m.Value == 0);
        Assert.Contains(seen, m => m.Name == GatewayTelemetry.ReplicaAvailable && m.Deployment == "broken" && m.Value == 0);
        Assert.Contains(seen, m => m.Name == GatewayTelemetry.ReplicaAvailable && m.Deployment == "good" && m.Value == 1);
    }

    [Fact]
    public async Task Scrape_AfterForwarding_HasTheGatewaysInstrumentsButNotThePerRequestDuplicatesItDrops()
    {
        await using var worker = await FakeWorker.StartAsync();
        await using var gateway = TestGateway.Start(new()
        {
            ["Gateway:Deployments:0:Name"] = "good",
            ["Gateway:Deployments:0:Upstream"] = worker.BaseAddress.ToString(),
        });
        for (var i = 0; i < 3; i++)
        {
            using var response = await gateway.Client.PostAsJsonAsync("/v1/completions", new { model = "good", prompt = "hi" }, Cancellation);
            Assert.True(response.IsSuccessStatusCode);
        }

        var scrape = await gateway.Client.GetStringAsync("/metrics", Cancellation);

        Assert.Contains("llmserve_gateway_request_duration_seconds_bucket", scrape);
        Assert.Contains("http_server_request_duration_seconds_bucket", scrape);
        Assert.DoesNotContain("http_client_request_duration", scrape);
        Assert.DoesNotContain("http_client_active_requests", scrape);
        Assert.DoesNotContain("http_client_open_connections", scrape);
        Assert.DoesNotContain("aspnetcore_memory_pool", scrape);
        Assert.DoesNotContain("aspnetcore_routing_match_attempts", scrape);
    }

    private static string? Find(ReadOnlySpan<KeyValuePair<string, object?>> tags, string key)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == key)
            {
                return tag.Value as string;
            }
        }
        return null;
    }
}
