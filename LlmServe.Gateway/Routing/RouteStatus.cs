namespace LlmServe.Gateway.Routing;

/// <summary>How routing a request ended.</summary>
internal enum RouteStatus
{
    Routed,
    ModelNotFound,
    NoReplicas,
    Rejected,
}
