using System.Diagnostics.Metrics;
using LlmServe.Gateway.Telemetry;
using Microsoft.Extensions.DependencyInjection;

namespace LlmServe.Gateway.Tests.Telemetry;

public sealed class GatewayMetricsTests
{
    private sealed record Measurement(string Instrument, double Value, Dictionary<string, object?> Tags);

    [Fact]
    public void RequestStartedAndCompleted_OneRequest_RecordsOngoingCountAndDuration()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meterFactory = services.GetRequiredService<IMeterFactory>();
        var measurements = new List<Measurement>();
        using var listener = new MeterListener();
        // Only this test's factory: other tests' gateways publish instruments with the same names in this process.
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == meterFactory)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => measurements.Add(new(i.Name, v, ToDictionary(tags))));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => measurements.Add(new(i.Name, v, ToDictionary(tags))));
        listener.Start();
        var metrics = new GatewayMetrics(meterFactory);

        metrics.RequestStarted("llama", "10.0.0.1:8000");
        metrics.RequestCompleted("llama", "10.0.0.1:8000", 200, TimeSpan.FromMilliseconds(1500));

        Assert.Collection(measurements,
            m => AssertMeasurement(m, GatewayTelemetry.OngoingRequests, 1, statusClass: null),
            m => AssertMeasurement(m, GatewayTelemetry.OngoingRequests, -1, statusClass: null),
            m => AssertMeasurement(m, GatewayTelemetry.RequestsTotal, 1, statusClass: "2xx"),
            m => AssertMeasurement(m, GatewayTelemetry.RequestDuration, 1.5, statusClass: "2xx"));
    }

    [Theory]
    [InlineData(200, "2xx")]
    [InlineData(299, "2xx")]
    [InlineData(404, "4xx")]
    [InlineData(502, "5xx")]
    [InlineData(0, "unknown")]
    public void StatusClass_StatusCode_GroupsByHundreds(int status, string expected)
    {
        Assert.Equal(expected, GatewayTelemetry.StatusClass(status));
    }

    private static void AssertMeasurement(Measurement measurement, string instrument, double value, string? statusClass)
    {
        Assert.Equal(instrument, measurement.Instrument);
        Assert.Equal(value, measurement.Value, 6);
        Assert.Equal("llama", measurement.Tags[GatewayTelemetry.DeploymentTag]);
        Assert.Equal("10.0.0.1:8000", measurement.Tags[GatewayTelemetry.ReplicaTag]);
        Assert.Equal(statusClass, measurement.Tags.GetValueOrDefault(GatewayTelemetry.StatusClassTag));
    }

    private static Dictionary<string, object?> ToDictionary(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var result = new Dictionary<string, object?>();
        foreach (var tag in tags)
        {
            result[tag.Key] = tag.Value;
        }
        return result;
    }
}
