namespace LlmServe.Worker.Engine.Scheduling;

/// <summary>A request's share of one step: its next <paramref name="NumTokens"/> uncomputed tokens.</summary>
internal readonly record struct ScheduledRequest(EngineRequest Request, int NumTokens)
{
    /// <summary>True when this step computes the request's last known token, so a new token is sampled.</summary>
    public bool Samples => Request.NumComputedTokens + NumTokens == Request.NumTokens;
}
