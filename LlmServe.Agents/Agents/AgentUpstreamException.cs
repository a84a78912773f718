namespace LlmServe.Agents.Agents;

/// <summary>The gateway failed or answered with an error; the message is the upstream one where there is one.</summary>
internal sealed class AgentUpstreamException(string message, int? upstreamStatus = null, Exception? innerException = null)
    : Exception(message, innerException)
{
    /// <summary>HTTP status the gateway answered with; null when no response arrived.</summary>
    public int? UpstreamStatus { get; } = upstreamStatus;
}
