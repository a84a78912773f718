namespace LlmServe.Agents.Agents;

/// <summary>The gateway failed or answered with an error; the message is the upstream one where there is one.</summary>
internal sealed class AgentUpstreamException(string message, int? upstreamStatus = null, Exception? innerException = null,
    string? upstreamCode = null) : Exception(message, innerException)
{
    /// <summary>OpenAI's error code for a prompt longer than the model's context.</summary>
    public const string ContextLengthExceeded = "context_length_exceeded";

    /// <summary>HTTP status the gateway answered with; null when no response arrived.</summary>
    public int? UpstreamStatus { get; } = upstreamStatus;

    /// <summary>The upstream error's <c>error.code</c>, where it had one.</summary>
    public string? UpstreamCode { get; } = upstreamCode;

    /// <summary>The model refused the conversation as longer than its context: the caller's input is too long.</summary>
    public bool IsContextLengthExceeded => UpstreamStatus == 400 && UpstreamCode == ContextLengthExceeded;
}
