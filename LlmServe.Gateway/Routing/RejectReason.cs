namespace LlmServe.Gateway.Routing;

/// <summary>Why admission turned a request away.</summary>
internal enum RejectReason
{
    None,
    QueueFull,
    QueueTimeout,
}
