using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Aspire.Hosting.ApplicationModel;
using static LlmServe.IntegrationTests.Autoscaling.AutoscaledAppHostFixture;

namespace LlmServe.IntegrationTests.Autoscaling;

/// <summary>
/// The gateway's autoscaler driving real worker processes through the AppHost's local actuator: replicas come and
/// go as Aspire resources, and no request fails or is lost on the way.
/// </summary>
[Collection(AutoscaledAppHostCollection.Name)]
public sealed class LocalAutoscalingTests(AutoscaledAppHostFixture fixture, ITestOutputHelper output)
{
    private const string TargetGauge = "llmserve_autoscaler_target_replicas";
    private const string RunningGauge = "llmserve_autoscaler_running_replicas";
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ColdStart_FromZeroReplicas_FirstRequestIsHeldThenServed()
    {
        using var gateway = fixture.CreateGatewayClient();
        await WaitUntilAsync(async () => await GaugeAsync(gateway, TargetGauge, Token) == 0
            && IsStopped(fixture.ResourceState(Replica0)) && IsStopped(fixture.ResourceState(Replica1)), TimeSpan.FromMinutes(1), "the pool at zero");

        var held = 0;
        var clock = Stopwatch.StartNew();
        var request = gateway.PostAsync("/v1/chat/completions", new StringContent(
            """{"model":"default","messages":[{"role":"user","content":"Once upon a time"}],"max_tokens":8,"temperature":0}""",
            Encoding.UTF8, "application/json"), Token);
        var trace = new List<string?>();
        while (!request.IsCompleted)
        {
            var status = await ScalingStatusAsync(gateway, Token);
            held = Math.Max(held, status.GetProperty("heldRequests").GetInt32());
            Record(trace, $"{fixture.ResourceState(Replica0)} target={status.GetProperty("targetReplicas")} held={status.GetProperty("heldRequests")}");
            if (clock.Elapsed > TimeSpan.FromSeconds(60))
            {
                Assert.Fail("held for 60 s: " + string.Join(" | ", trace));
            }
            await Task.WhenAny(request, Task.Delay(Poll, Token));
        }
        using var response = await request;
        clock.Stop();

        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Token);
        Assert.StartsWith(", there was a little", body.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        Assert.Equal(1, held);   // it waited at the gateway for the first replica, and was the only one
        Assert.Equal(KnownResourceStates.Running, fixture.ResourceState(Replica0));
        Assert.Equal(1, await GaugeAsync(gateway, TargetGauge, Token));
        output.WriteLine($"cold-start latency (request sent at zero replicas -> response complete): {clock.Elapsed.TotalMilliseconds:F0} ms");
    }

    [Fact]
    public async Task Burst_ScalesUpAfterUpscaleDelay_AndDownAfterDownscaleDelay_WithNoFailedRequest()
    {
        using var gateway = fixture.CreateGatewayClient();
        await using var load = new LoadGenerator(fixture.CreateGatewayClient(), maxTokens: 48);

        // One replica serving, the second stopped.
        load.Grow(1);
        await WaitUntilAsync(async () => await GaugeAsync(gateway, RunningGauge, Token) == 1
            && await GaugeAsync(gateway, TargetGauge, Token) == 1 && IsStopped(fixture.ResourceState(Replica1)),
            TimeSpan.FromMinutes(1), "one running replica");

        // Up: 8 concurrent streams against target_ongoing_requests 2 ask for 4 replicas (clamped to 2).
        var up = Stopwatch.StartNew();
        load.Grow(8);
        var states = new List<string?>();
        double? targetUpAt = null;
        var servedByReplica1 = false;
        await WaitUntilAsync(async () =>
        {
            Record(states, fixture.ResourceState(Replica1));
            targetUpAt ??= await GaugeAsync(gateway, TargetGauge, Token) == 2 ? up.Elapsed.TotalSeconds : null;
            return await GaugeAsync(gateway, RunningGauge, Token) == 2;
        }, TimeSpan.FromMinutes(2), "two running replicas");
        var runningAt = up.Elapsed.TotalSeconds;
        await WaitUntilAsync(async () =>
        {
            var replicas = (await ScalingStatusAsync(gateway, Token)).GetProperty("replicas").EnumerateArray();
            servedByReplica1 |= replicas.Any(r => r.GetProperty("index").GetInt32() == 1 && r.GetProperty("inFlight").GetInt32() > 0);
            return servedByReplica1;
        }, TimeSpan.FromSeconds(30), "requests on the new replica");

        // Down: one stream left (total ~1 on 2 replicas wants 1), kept running through the drain and the stop.
        var down = Stopwatch.StartNew();   // before the shrink: demand starts falling as the first stopped client finishes
        await load.ShrinkAsync(1);
        double? targetDownAt = null;
        await WaitUntilAsync(async () =>
        {
            Record(states, fixture.ResourceState(Replica1));
            targetDownAt ??= await GaugeAsync(gateway, TargetGauge, Token) == 1 ? down.Elapsed.TotalSeconds : null;
            return targetDownAt is not null && IsStopped(fixture.ResourceState(Replica1));
        }, TimeSpan.FromMinutes(1), () => $"the second replica stopped (target 1 at {targetDownAt} s, states {string.Join(" -> ", states)})");
        var stoppedAt = down.Elapsed.TotalSeconds;
        Assert.Equal(1, await GaugeAsync(gateway, RunningGauge, Token));
        var beforeStop = load.Completed;
        await WaitUntilAsync(() => Task.FromResult(load.Completed >= beforeStop + 2), TimeSpan.FromSeconds(30), "requests after the stop");
        await load.ShrinkAsync(0);

        output.WriteLine($"up: target 2 at {targetUpAt:F1} s, 2 running at {runningAt:F1} s; down: target 1 at {targetDownAt:F1} s, " +
            $"{Replica1} stopped at {stoppedAt:F1} s; {Replica1} states: {string.Join(" -> ", states)}; requests: {load.Completed}");
        Assert.Empty(load.Failures);
        Assert.True(targetUpAt >= UpscaleDelayS, $"scaled up after {targetUpAt} s, before upscale_delay_s");
        Assert.True(targetDownAt >= DownscaleDelayS, $"scaled down after {targetDownAt} s, before downscale_delay_s");
        Assert.Contains(KnownResourceStates.Running, states);
        Assert.True(IsStopped(states[^1]), $"{Replica1} ended {states[^1]}");
    }

    private static void Record(List<string?> states, string? state)
    {
        if (states.Count == 0 || states[^1] != state)
        {
            states.Add(state);
        }
    }

    // "Unknown": where a project resource often settles after a stop command (DCP no longer tracks a process).
    private static bool IsStopped(string? state) =>
        state == KnownResourceStates.Exited || state == KnownResourceStates.Finished || state == KnownResourceStates.NotStarted || state == "Unknown";

    private static Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what) =>
        WaitUntilAsync(condition, timeout, () => what);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> what)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(deadline.Elapsed < timeout, $"timed out after {timeout} waiting for {what()}");
            await Task.Delay(Poll, Token);
        }
    }
}
