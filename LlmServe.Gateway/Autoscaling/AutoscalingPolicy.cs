namespace LlmServe.Gateway.Autoscaling;

/// <summary>
/// Ray Serve's request-based autoscaling policy (<c>replica_queue_length_autoscaling_policy</c>), pure: the same
/// options, context and state always give the same decision.
/// </summary>
/// <remarks>
/// <code>
/// error_ratio = total / (target * n)                      n = running replicas
/// factor      = upscaling if error_ratio >= 1 else downscaling   (each falls back to the smoothing factor)
/// desired     = ceil(n * (1 + (error_ratio - 1) * factor))
/// if ceil(n * error_ratio) &lt; n and desired == n: desired -= 1   ("stuck" rule)
/// desired     = clamp(desired, min, max)
/// then a consecutive-decision counter applies upscale_delay_s / downscale_delay_s / downscale_to_zero_delay_s
/// in control-loop ticks, and 0 running replicas with any request jumps straight to max(ceil(upscaling), target).
/// </code>
/// Not modelled: Ray's cluster-wide <c>target_capacity</c> (its min/max are used as is).
/// </remarks>
public static class AutoscalingPolicy
{
    /// <summary>Ray's <c>CONTROL_LOOP_INTERVAL_S</c>.</summary>
    public const double DefaultControlLoopIntervalS = 0.1;

    /// <summary>One control-loop tick of the policy named by <see cref="AutoscalingOptions.Policy"/>.</summary>
    public static AutoscalingDecision Decide(
        AutoscalingOptions options,
        AutoscalingContext context,
        AutoscalingState state,
        double controlLoopIntervalS = DefaultControlLoopIntervalS)
    {
        if (context.RunningReplicas == 0)
        {
            return ColdStart(options, context, state);
        }

        var desired = AutoscalingPolicies.IsLlmNative(options.Policy)
            ? LlmAutoscalingPolicy.CalculateDesiredReplicas(options, context)
            : CalculateDesiredReplicas(options, context.TotalNumRequests, context.RunningReplicas);
        return ApplyDelays(options, context.CurrentTargetReplicas, desired, state, controlLoopIntervalS);
    }

    /// <summary>Ray <c>_calculate_desired_num_replicas</c>: factors, the stuck rule and the bounds, no delay.</summary>
    public static int CalculateDesiredReplicas(AutoscalingOptions options, double totalNumRequests, int runningReplicas)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(runningReplicas, 1);
        var errorRatio = totalNumRequests / (options.TargetOngoingRequests * runningReplicas);
        return ApplyErrorRatio(options, errorRatio, runningReplicas);
    }

    /// <summary>Smooths, un-sticks and clamps an error ratio (desired / running) into a replica count.</summary>
    internal static int ApplyErrorRatio(AutoscalingOptions options, double errorRatio, int runningReplicas)
    {
        var factor = errorRatio >= 1 ? options.EffectiveUpscalingFactor : options.EffectiveDownscalingFactor;
        var smoothed = 1 + ((errorRatio - 1) * factor);
        var desired = (int)Math.Ceiling(runningReplicas * smoothed);

        // A small downscaling factor must not freeze a scale-down the raw ratio clearly wants.
        if (Math.Ceiling(runningReplicas * errorRatio) < runningReplicas && desired == runningReplicas)
        {
            desired -= 1;
        }

        return Math.Clamp(desired, options.MinReplicas, options.MaxReplicas);
    }

    /// <summary>The consecutive-decision counter of Ray's policy around an already bounded desired count.</summary>
    internal static AutoscalingDecision ApplyDelays(
        AutoscalingOptions options, int currentTarget, int desired, AutoscalingState state, double controlLoopIntervalS)
    {
        var counter = state.DecisionCounter;
        var decision = currentTarget;
        if (desired > currentTarget)
        {
            counter = Math.Max(counter, 0) + 1;
            if (counter > Ticks(options.UpscaleDelayS, controlLoopIntervalS))
            {
                counter = 0;
                decision = desired;
            }
        }
        else if (desired < currentTarget)
        {
            counter = Math.Min(counter, 0) - 1;
            double delayS;
            if (currentTarget == 1)
            {
                // Scale to zero only ever happens 1 -> 0.
                delayS = options.DownscaleToZeroDelayS ?? options.DownscaleDelayS;
            }
            else
            {
                delayS = options.DownscaleDelayS;
                desired = Math.Max(1, desired);
            }

            if (counter < -Ticks(delayS, controlLoopIntervalS))
            {
                counter = 0;
                decision = desired;
            }
        }
        else
        {
            counter = 0;
        }

        return new AutoscalingDecision(decision, desired, new AutoscalingState(counter));
    }

    /// <summary>Python's <c>int(delay_s / CONTROL_LOOP_INTERVAL_S)</c>: truncation of the float quotient.</summary>
    internal static int Ticks(double delayS, double controlLoopIntervalS) => (int)Math.Truncate(delayS / controlLoopIntervalS);

    private static AutoscalingDecision ColdStart(AutoscalingOptions options, AutoscalingContext context, AutoscalingState state)
    {
        var demand = context.TotalNumRequests > 0 || context.WaitingRequests > 0;
        if (!demand)
        {
            return new AutoscalingDecision(context.CurrentTargetReplicas, context.CurrentTargetReplicas, state);
        }

        // NOTE: Ray applies the bounds after the policy; doing it here keeps the decision within [min, max] too.
        var target = Math.Max((int)Math.Ceiling(1 * options.EffectiveUpscalingFactor), context.CurrentTargetReplicas);
        target = Math.Clamp(target, Math.Max(1, options.MinReplicas), options.MaxReplicas);
        return new AutoscalingDecision(target, target, state);
    }
}
