using LlmServe.Gateway.Autoscaling;

namespace LlmServe.Gateway.Tests.Autoscaling;

/// <summary>
/// Runs the policy over load traces tick by tick and compares every target with an independent reference written
/// here from anchors.md §4.2-4.3 (the delta form <c>ceil(n + factor * (raw - n))</c>, in <see cref="decimal"/>, with
/// separate up/down streak counters) rather than from the production code.
/// </summary>
public sealed class AutoscalingSimulationTests
{
    private const int StartupTicks = 15; // a new replica takes 1.5 s to become ready in the simulated cluster

    public static TheoryData<string, int, int, double, double, double?, double?> Traces => new()
    {
        // name, min, max, up delay, down delay, upscaling factor, downscaling factor
        { "step-up", 1, 10, 3, 6, null, null },
        { "step-down", 1, 10, 3, 6, null, 0.3 },
        { "oscillation", 1, 10, 3, 6, 0.5, null },
        { "zero-and-back", 0, 6, 3, 6, null, null },
        { "defaults-delays", 1, 20, 30, 600, null, null },
    };

    [Theory]
    [MemberData(nameof(Traces))]
    public void Policy_MatchesReference_OverTrace(string trace, int min, int max, double up, double down, double? upF, double? downF)
    {
        var o = new AutoscalingOptions
        {
            MinReplicas = min, MaxReplicas = max, UpscaleDelayS = up, DownscaleDelayS = down,
            DownscaleToZeroDelayS = min == 0 ? 2 : null, UpscalingFactor = upF, DownscalingFactor = downF,
        };
        var load = Load(trace).ToArray();

        var actual = Simulate(load, o.EffectiveInitialReplicas, (target, running, total, s) =>
        {
            var d = AutoscalingPolicy.Decide(o, new AutoscalingContext(target, running, total), new AutoscalingState(s));
            return (d.TargetReplicas, d.NextState.DecisionCounter);
        });
        var expected = Simulate(load, o.EffectiveInitialReplicas, (target, running, total, s) =>
            Reference(o, target, running, total, s));

        Assert.Equal(expected, actual);
        AssertShape(trace, actual, o);
    }

    private static void AssertShape(string trace, int[] targets, AutoscalingOptions o)
    {
        var ticksUp = (int)(o.UpscaleDelayS * 10);
        switch (trace)
        {
            case "step-up":
                // 20 requests on 1 replica -> raw 10: nothing for 3 s, then straight to 10.
                Assert.Equal(1, targets[100 + ticksUp - 1]);
                Assert.Equal(10, targets[100 + ticksUp]);
                break;
            case "oscillation":
                // Load flips every 2 s, shorter than the 3 s up delay: the streak resets, the count never moves.
                Assert.All(targets, t => Assert.Equal(1, t));
                break;
            case "zero-and-back":
                Assert.Contains(0, targets);
                Assert.Equal(0, targets[^301]);   // the last idle tick
                Assert.Equal(1, targets[^300]);   // cold start: the first request brings one back at once
                Assert.True(targets[^1] >= 1, "a request after idling must bring a replica back");
                break;
            case "step-down":
                Assert.Equal(1, targets[^1]);
                break;
        }
    }

    /// <summary>Total requests per 0.1 s tick.</summary>
    private static IEnumerable<double> Load(string trace)
    {
        IEnumerable<double> Repeat(double v, int ticks) => Enumerable.Repeat(v, ticks);
        return trace switch
        {
            "step-up" => Repeat(1, 100).Concat(Repeat(20, 400)),
            "step-down" => Repeat(16, 100).Concat(Repeat(16, 100)).Concat(Repeat(1, 1200)),
            "oscillation" => Enumerable.Range(0, 40).SelectMany(i => Repeat(i % 2 == 0 ? 12 : 0.5, 20)),
            "zero-and-back" => Repeat(6, 100).Concat(Repeat(0, 600)).Concat(Repeat(3, 300)).Concat(Repeat(0, 900)).Concat(Repeat(1, 300)),
            "defaults-delays" => Repeat(30, 1000).Concat(Repeat(5, 8000)).Concat(Repeat(0.5, 7000)),
            _ => throw new ArgumentOutOfRangeException(nameof(trace)),
        };
    }

    private delegate (int Target, int Counter) Step(int target, int running, double total, int counter);

    /// <summary>A toy cluster: replicas above the target stop at once, missing ones become ready after a start-up lag.</summary>
    private static int[] Simulate(double[] load, int initial, Step step)
    {
        var targets = new int[load.Length];
        var target = initial;
        var running = initial;
        var counter = 0;
        var readyAt = new Queue<int>();
        for (var t = 0; t < load.Length; t++)
        {
            while (readyAt.Count > 0 && readyAt.Peek() <= t) { readyAt.Dequeue(); running++; }
            (target, counter) = step(target, running, load[t], counter);
            if (running + readyAt.Count > target) { running = Math.Min(running, target); readyAt.Clear(); }
            for (var pending = running + readyAt.Count; pending < target; pending++) readyAt.Enqueue(t + StartupTicks);
            targets[t] = target;
        }
        return targets;
    }

    /// <summary>anchors.md §4.2-4.3, written independently of the production code.</summary>
    private static (int, int) Reference(AutoscalingOptions o, int target, int running, double total, int counter)
    {
        var upFactor = (decimal)(o.UpscalingFactor ?? o.UpscaleSmoothingFactor ?? o.SmoothingFactor);
        var downFactor = (decimal)(o.DownscalingFactor ?? o.DownscaleSmoothingFactor ?? o.SmoothingFactor);
        if (running == 0)
        {
            return total > 0 ? (Math.Min(o.MaxReplicas, Math.Max((int)Math.Ceiling(upFactor), target)), counter) : (target, counter);
        }

        var n = (decimal)running;
        var raw = (decimal)total / (decimal)o.TargetOngoingRequests;
        var delta = raw - n;
        var scaled = (int)Math.Ceiling(n + ((delta > 0 ? upFactor : downFactor) * delta));
        if ((int)Math.Ceiling(raw) < running && scaled == running) scaled--;
        var bounded = Math.Min(o.MaxReplicas, Math.Max(o.MinReplicas, scaled));

        int upTicks = (int)Math.Floor((decimal)o.UpscaleDelayS * 10), downTicks = (int)Math.Floor((decimal)o.DownscaleDelayS * 10);
        var zeroTicks = (int)Math.Floor((decimal)(o.DownscaleToZeroDelayS ?? o.DownscaleDelayS) * 10);
        if (bounded > target)
        {
            counter = counter < 0 ? 1 : counter + 1;
            return counter > upTicks ? (bounded, 0) : (target, counter);
        }
        if (bounded < target)
        {
            counter = counter > 0 ? -1 : counter - 1;
            var limit = target == 1 ? zeroTicks : downTicks;
            var next = target == 1 ? bounded : Math.Max(1, bounded);
            return counter < -limit ? (next, 0) : (target, counter);
        }
        return (target, 0);
    }
}
