using LlmServe.Gateway.Autoscaling;

namespace LlmServe.Gateway.Tests.Autoscaling;

public sealed class LlmAutoscalingPolicyTests
{
    private static AutoscalingOptions Options(double? down = null) => new()
    {
        Policy = AutoscalingPolicies.LlmNative, MinReplicas = 0, MaxReplicas = 10, DownscalingFactor = down,
    };

    [Theory]
    // running, kv, waiting -> desired          targets: kv 0.8, waiting 1 per replica
    [InlineData(2, 0.8, 0, 2)]      // by_kv 2*0.8/0.8 = 2 -> steady
    [InlineData(2, 1.0, 0, 3)]      // by_kv 2*1.0/0.8 = 2.5 -> ceil 3
    [InlineData(2, 0.4, 0, 1)]      // by_kv 2*0.4/0.8 = 1 -> 1
    [InlineData(2, 0.5, 6, 6)]      // by_kv 1.25, by_waiting 6/1 = 6 -> max 6
    [InlineData(4, 0.2, 3, 3)]      // by_kv 1, by_waiting 3: 3 waiting on 4 replicas is tolerated -> 3
    [InlineData(3, 0.0, 0, 0)]      // idle -> 0 (min 0)
    [InlineData(1, 0.9, 40, 10)]    // by_waiting 40 clamped to max 10
    public void CalculateDesiredReplicas_KvAndWaiting(int running, double kv, double waiting, int expected)
    {
        var ctx = new AutoscalingContext(running, running, TotalNumRequests: 0, WaitingRequests: waiting, MeanKvCacheUsage: kv);

        Assert.Equal(expected, LlmAutoscalingPolicy.CalculateDesiredReplicas(Options(), ctx));
    }

    [Fact]
    public void CalculateDesiredReplicas_SmallDownscalingFactor_StillUnsticks()
    {
        // by_kv 3*0.48/0.8 = 1.8: ceil(3 * (1 + (0.6-1)*0.1)) = ceil(2.88) = 3 = n, ceil(1.8) = 2 < 3 -> 2 (Ray's stuck rule).
        var ctx = new AutoscalingContext(3, 3, 0, 0, 0.48);

        Assert.Equal(2, LlmAutoscalingPolicy.CalculateDesiredReplicas(Options(down: 0.1), ctx));
    }

    [Fact]
    public void Decide_LlmNative_IgnoresRequestCounts_AndKeepsRayDelays()
    {
        // Many short requests but an empty queue and a cool cache: the request policy would want 10, this one 2.
        var o = Options();
        o.UpscaleDelayS = 0.2;
        var ctx = new AutoscalingContext(2, 2, TotalNumRequests: 40, WaitingRequests: 0, MeanKvCacheUsage: 0.8);
        Assert.Equal(2, AutoscalingPolicy.Decide(o, ctx, default).DesiredReplicas);

        // Saturated: a waiting queue of 8 wants 8, applied after int(0.2/0.1) = 2 ticks, on the third.
        var hot = ctx with { WaitingRequests = 8 };
        var s = default(AutoscalingState);
        for (var i = 0; i < 2; i++)
        {
            var d = AutoscalingPolicy.Decide(o, hot, s);
            Assert.Equal(2, d.TargetReplicas);
            s = d.NextState;
        }
        Assert.Equal(8, AutoscalingPolicy.Decide(o, hot, s).TargetReplicas);
    }

    [Fact]
    public void Decide_LlmNative_ColdStart_OnWaitingRequests()
    {
        var d = AutoscalingPolicy.Decide(Options(), new AutoscalingContext(0, 0, 0, WaitingRequests: 1), default);

        Assert.Equal(1, d.TargetReplicas);
    }
}
