namespace LlmServe.Gateway;

/// <summary>API keys and the admin key (<c>Gateway:Auth</c>). With no keys configured the inference API is open (local dev).</summary>
public sealed class AuthOptions
{
    /// <summary>The client keys; each is stored only as the hex SHA-256 of the secret.</summary>
    public List<ApiKeyOptions> Keys { get; set; } = [];

    /// <summary>Hex SHA-256 of the admin key, required for <c>/admin</c>. Unset: the admin API is open only when no keys are configured.</summary>
    public string? AdminKeyHash { get; set; }

    /// <summary>Completion tokens reserved for a request that sets no <c>max_tokens</c>, until its usage settles the reservation.</summary>
    public int DefaultReservedTokens { get; set; } = 256;
}
