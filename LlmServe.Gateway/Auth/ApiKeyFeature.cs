namespace LlmServe.Gateway.Auth;

/// <summary>The authenticated client key of a request, set by <see cref="ApiKeyMiddleware"/>.</summary>
internal sealed record ApiKeyFeature(ApiKeyOptions Key);
