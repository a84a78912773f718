namespace LlmServe.Gateway;

/// <summary>One client API key and its limits. Zero limits mean unlimited.</summary>
public sealed class ApiKeyOptions
{
    /// <summary>A display name for logs, metrics and the admin API (never the secret).</summary>
    public string Name { get; set; } = "";

    /// <summary>Hex SHA-256 of the secret the client sends as <c>Authorization: Bearer &lt;secret&gt;</c>.</summary>
    public string KeyHash { get; set; } = "";

    /// <summary>Model ids or deployment names this key may use; empty = every model.</summary>
    public string[] Models { get; set; } = [];

    public int RequestsPerMinute { get; set; }

    /// <summary>Prompt plus completion tokens per minute (reserved up front from max_tokens, settled from the returned usage).</summary>
    public long TokensPerMinute { get; set; }

    /// <summary>Total tokens this key may spend over the gateway's lifetime (in memory, per gateway instance).</summary>
    public long Budget { get; set; }
}
