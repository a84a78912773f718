namespace LlmServe.Gateway.Registry;

/// <summary>One model id the gateway answers to (a deployment name or one of its aliases).</summary>
internal sealed record ServedModel(string Id, Deployment Deployment, long CreatedUnixSeconds);
