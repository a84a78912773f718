using LlmServe.Gateway.Autoscaling;

namespace LlmServe.Gateway.Tests.Autoscaling;

/// <summary>Mirrors Ray's <c>test_autoscaling_policy.py</c> and the worked examples of anchors.md §4.4-4.5.</summary>
public sealed class AutoscalingPolicyTests
{
    [Fact]
    public void Options_Defaults_AreRayServes()
    {
        var o = new AutoscalingOptions();

        // anchors.md §4.4: min/max/initial 1/1/None, target 2, look-back 30, delays 30/600/None, factors None -> 1.0.
        Assert.Equal(1, o.MinReplicas);
        Assert.Equal(1, o.MaxReplicas);
        Assert.Null(o.InitialReplicas);
        Assert.Equal(1, o.EffectiveInitialReplicas);
        Assert.Equal(2.0, o.TargetOngoingRequests);
        Assert.Equal(30.0, o.LookBackPeriodS);
        Assert.Equal(30.0, o.UpscaleDelayS);
        Assert.Equal(600.0, o.DownscaleDelayS);
        Assert.Null(o.DownscaleToZeroDelayS);
        Assert.Null(o.UpscalingFactor);
        Assert.Null(o.DownscalingFactor);
        Assert.Equal(1.0, o.EffectiveUpscalingFactor);
        Assert.Equal(1.0, o.EffectiveDownscalingFactor);
        Assert.Equal(AutoscalingPolicies.RequestQueue, o.Policy);
        Assert.Equal(300, AutoscalingPolicy.Ticks(o.UpscaleDelayS, AutoscalingPolicy.DefaultControlLoopIntervalS));
        Assert.Equal(6000, AutoscalingPolicy.Ticks(o.DownscaleDelayS, AutoscalingPolicy.DefaultControlLoopIntervalS));
    }

    [Theory]
    // running, total, factor -> desired                     arithmetic (target 2, min 0, max 100)
    [InlineData(4, 16.0, 0.5, null, 6)]        // raw 16/2=8; ceil(4 + 0.5*(8-4)) = 6            (§4.5 up)
    [InlineData(8, 4.0, null, 0.3, 7)]         // raw 4/2=2;  ceil(8 + 0.3*(2-8)) = ceil(6.2) = 7 (§4.5 down)
    [InlineData(3, 3.6, null, 0.1, 2)]         // raw 1.8; ceil(3 + 0.1*(-1.2)) = ceil(2.88) = 3 = n, ceil(1.8)=2 < 3 -> 2 (stuck rule)
    [InlineData(4, 16.0, null, null, 8)]       // raw 8, factor 1 -> 8
    [InlineData(4, 8.0, null, null, 4)]        // raw 4 = n -> 4
    [InlineData(4, 0.0, null, null, 0)]        // raw 0 -> 0 (min 0)
    [InlineData(2, 5.0, null, null, 3)]        // raw 2.5 -> ceil 3
    [InlineData(1, 1000.0, null, null, 100)]   // raw 500 -> clamped to max 100
    [InlineData(10, 19.0, null, 0.5, 10)]      // raw 9.5; ceil(10 - 0.25) = 10, ceil(9.5) = 10 = n: not stuck -> 10
    public void CalculateDesiredReplicas_WorkedExamples(int running, double total, double? up, double? down, int expected)
    {
        var o = new AutoscalingOptions { MinReplicas = 0, MaxReplicas = 100, UpscalingFactor = up, DownscalingFactor = down };

        Assert.Equal(expected, AutoscalingPolicy.CalculateDesiredReplicas(o, total, running));
    }

    [Theory]
    [InlineData(1, 3, 40.0, 3)]   // raw 20 clamped to max 3
    [InlineData(2, 5, 0.0, 2)]    // raw 0 clamped to min 2
    public void CalculateDesiredReplicas_ClampsToMinMax(int min, int max, double total, int expected)
    {
        var o = new AutoscalingOptions { MinReplicas = min, MaxReplicas = max };

        Assert.Equal(expected, AutoscalingPolicy.CalculateDesiredReplicas(o, total, 2));
    }

    [Fact]
    public void SmoothingFactorFallbacks_UpscalingThenSmoothing()
    {
        var o = new AutoscalingOptions { SmoothingFactor = 0.5, UpscaleSmoothingFactor = 0.25 };
        Assert.Equal(0.25, o.EffectiveUpscalingFactor);   // upscaling_factor None -> upscale_smoothing_factor
        Assert.Equal(0.5, o.EffectiveDownscalingFactor);  // both None -> smoothing_factor
        o.UpscalingFactor = 2;
        Assert.Equal(2, o.EffectiveUpscalingFactor);
    }

    [Fact]
    public void Decide_Upscale_AppliesOnlyAfter300ConsecutiveTicks()
    {
        // §4.5: n=4, total=16, upscaling_factor 0.5 -> 6, after int(30 / 0.1) = 300 ticks: applied on tick 301.
        var o = new AutoscalingOptions { MaxReplicas = 100, UpscalingFactor = 0.5 };
        var state = new AutoscalingState(0);
        var ctx = new AutoscalingContext(CurrentTargetReplicas: 4, RunningReplicas: 4, TotalNumRequests: 16);
        for (var tick = 1; tick <= 300; tick++)
        {
            var d = AutoscalingPolicy.Decide(o, ctx, state);
            Assert.Equal(4, d.TargetReplicas);
            Assert.Equal(6, d.DesiredReplicas);
            Assert.Equal(tick, d.NextState.DecisionCounter);
            state = d.NextState;
        }

        var applied = AutoscalingPolicy.Decide(o, ctx, state);
        Assert.Equal(6, applied.TargetReplicas);
        Assert.Equal(0, applied.NextState.DecisionCounter);
    }

    [Fact]
    public void Decide_Downscale_AppliesOnlyAfter6000ConsecutiveTicks()
    {
        // §4.5: n=8, total=4, downscaling_factor 0.3 -> 7, after int(600 / 0.1) = 6000 ticks: applied on tick 6001.
        var o = new AutoscalingOptions { MaxReplicas = 100, DownscalingFactor = 0.3 };
        var state = new AutoscalingState(0);
        var ctx = new AutoscalingContext(8, 8, 4);
        for (var tick = 1; tick <= 6000; tick++)
        {
            state = AutoscalingPolicy.Decide(o, ctx, state).NextState;
            Assert.Equal(-tick, state.DecisionCounter);
        }

        var applied = AutoscalingPolicy.Decide(o, ctx, state);
        Assert.Equal(7, applied.TargetReplicas);
        Assert.Equal(0, applied.NextState.DecisionCounter);
    }

    [Fact]
    public void Decide_NoChangeTick_ResetsStreak_AndDirectionChangeRestartsIt()
    {
        var o = new AutoscalingOptions { MaxReplicas = 10 };
        var up = new AutoscalingContext(2, 2, 10);      // raw 5 > 2
        var flat = new AutoscalingContext(2, 2, 4);     // raw 2 = 2
        var down = new AutoscalingContext(2, 2, 1);     // raw 0.5 -> 1 < 2

        var s = AutoscalingPolicy.Decide(o, up, new AutoscalingState(5)).NextState;
        Assert.Equal(6, s.DecisionCounter);
        Assert.Equal(0, AutoscalingPolicy.Decide(o, flat, s).NextState.DecisionCounter);
        Assert.Equal(-1, AutoscalingPolicy.Decide(o, down, s).NextState.DecisionCounter);   // max(...) reset, then -1
        Assert.Equal(1, AutoscalingPolicy.Decide(o, up, new AutoscalingState(-40)).NextState.DecisionCounter);
    }

    [Theory]
    // upscaling factor, current target, max -> target             Ray: max(ceil(1 * upscaling_factor), target)
    [InlineData(null, 0, 5, 1)]    // ceil(1 * 1.0) = 1
    [InlineData(0.5, 0, 5, 1)]     // ceil(0.5) = 1
    [InlineData(3.0, 0, 5, 3)]     // ceil(3.0) = 3
    [InlineData(1.0, 2, 5, 2)]     // already targeting 2 (starting): keep 2
    [InlineData(10.0, 0, 4, 4)]    // ceil(10) clamped to max 4
    public void Decide_ColdStart_BypassesDelay(double? factor, int currentTarget, int max, int expected)
    {
        var o = new AutoscalingOptions { MinReplicas = 0, MaxReplicas = max, UpscalingFactor = factor };

        var d = AutoscalingPolicy.Decide(o, new AutoscalingContext(currentTarget, 0, 1), new AutoscalingState(0));

        Assert.Equal(expected, d.TargetReplicas);
    }

    [Fact]
    public void Decide_ZeroRunning_NoRequests_KeepsTarget()
    {
        var o = new AutoscalingOptions { MinReplicas = 0, MaxReplicas = 3 };

        var d = AutoscalingPolicy.Decide(o, new AutoscalingContext(0, 0, 0), new AutoscalingState(-7));

        Assert.Equal(0, d.TargetReplicas);
        Assert.Equal(-7, d.NextState.DecisionCounter);
    }

    [Theory]
    // to-zero delay, downscale delay -> ticks before 1 -> 0        int(delay / 0.1)
    [InlineData(5.0, 600.0, 50)]
    [InlineData(null, 2.0, 20)]     // no to-zero delay: downscale_delay_s
    [InlineData(0.0, 600.0, 0)]     // immediate: applied on the first tick
    public void Decide_ScaleToZero_UsesDownscaleToZeroDelay(double? toZero, double downscale, int ticks)
    {
        var o = new AutoscalingOptions { MinReplicas = 0, MaxReplicas = 3, DownscaleToZeroDelayS = toZero, DownscaleDelayS = downscale };
        var ctx = new AutoscalingContext(1, 1, 0);
        var state = new AutoscalingState(0);
        for (var i = 0; i < ticks; i++)
        {
            var d = AutoscalingPolicy.Decide(o, ctx, state);
            Assert.Equal(1, d.TargetReplicas);
            state = d.NextState;
        }

        Assert.Equal(0, AutoscalingPolicy.Decide(o, ctx, state).TargetReplicas);
    }

    [Fact]
    public void Decide_FromSeveralReplicas_NeverJumpsStraightToZero()
    {
        // 3 -> desired 0, but only 1 -> 0 may reach zero: the decision is max(1, 0) = 1 after downscale_delay_s.
        var o = new AutoscalingOptions { MinReplicas = 0, MaxReplicas = 3, DownscaleDelayS = 0, DownscaleToZeroDelayS = 0 };

        var d = AutoscalingPolicy.Decide(o, new AutoscalingContext(3, 3, 0), new AutoscalingState(0));

        Assert.Equal(1, d.TargetReplicas);
    }

    [Theory]
    [InlineData(30.0, 0.1, 300)]
    [InlineData(0.3, 0.1, 2)]       // Python int(0.3 / 0.1) = int(2.9999999999999996) = 2
    [InlineData(0.0, 0.1, 0)]
    public void Ticks_TruncatesLikePython(double delay, double interval, int expected) =>
        Assert.Equal(expected, AutoscalingPolicy.Ticks(delay, interval));

    [Fact]
    public void Validate_RejectsInconsistentBounds()
    {
        var o = new AutoscalingOptions { MinReplicas = 3, MaxReplicas = 2, InitialReplicas = 5, TargetOngoingRequests = 0, Policy = "nope" };

        var errors = o.Validate("p").ToList();

        Assert.Contains(errors, e => e.Contains("MinReplicas must be <= MaxReplicas", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("InitialReplicas", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("TargetOngoingRequests", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Policy", StringComparison.Ordinal));
        Assert.Empty(new AutoscalingOptions().Validate("p"));
    }
}
