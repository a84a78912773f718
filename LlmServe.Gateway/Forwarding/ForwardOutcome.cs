namespace LlmServe.Gateway.Forwarding;

/// <summary>How forwarding one attempt ended.</summary>
internal enum ForwardOutcome
{
    /// <summary>The replica answered (any status) and the response was relayed.</summary>
    Completed,

    /// <summary>The client left; nothing more to do.</summary>
    ClientGone,

    /// <summary>The replica failed before any response byte reached the client: safe to retry elsewhere.</summary>
    FailedBeforeResponse,

    /// <summary>The replica failed after the response started; the client got an error event or a reset.</summary>
    FailedMidResponse,
}
