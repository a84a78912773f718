namespace LlmServe.Gateway.Auth;

/// <summary>Rejects key configurations that would silently lock everyone out or let a key match nothing.</summary>
internal static class AuthOptionsValidator
{
    public static IEnumerable<string> Validate(AuthOptions auth)
    {
        const string path = $"{GatewayOptions.SectionName}:Auth";
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < auth.Keys.Count; i++)
        {
            var key = auth.Keys[i];
            if (string.IsNullOrWhiteSpace(key.Name) || !names.Add(key.Name))
            {
                yield return $"{path}:Keys:{i}:Name must be non-empty and unique.";
            }
            if (!ApiKeyMatcher.TryDecode(key.KeyHash, out _))
            {
                yield return $"{path}:Keys:{i}:KeyHash must be a hex SHA-256 (64 hex digits), never the key itself.";
            }
            if (key.RequestsPerMinute < 0 || key.TokensPerMinute < 0 || key.Budget < 0)
            {
                yield return $"{path}:Keys:{i}: limits must be >= 0 (0 = unlimited).";
            }
        }
        if (!string.IsNullOrEmpty(auth.AdminKeyHash) && !ApiKeyMatcher.TryDecode(auth.AdminKeyHash, out _))
        {
            yield return $"{path}:AdminKeyHash must be a hex SHA-256 (64 hex digits).";
        }
        if (auth.DefaultReservedTokens < 0)
        {
            yield return $"{path}:DefaultReservedTokens must be >= 0.";
        }
    }
}
