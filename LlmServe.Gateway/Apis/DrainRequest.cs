namespace LlmServe.Gateway.Apis;

/// <summary>Body of <c>POST /admin/replicas/drain</c>: stop (or resume) sending new requests to one replica.</summary>
internal sealed record DrainRequest(string Deployment, string Replica, bool Draining = true);
