namespace LlmServe.Gateway.Auth;

/// <summary>Which per-key limit turned a request away.</summary>
internal enum UsageRejection
{
    None,
    RequestsPerMinute,
    TokensPerMinute,
    Budget,
}
