using System.Security.Cryptography;
using System.Text;

namespace LlmServe.Gateway.Auth;

/// <summary>
/// Matches a presented bearer secret against stored SHA-256 hashes in constant time: the secret is hashed once and
/// compared with every configured hash by <see cref="CryptographicOperations.FixedTimeEquals"/> without stopping early,
/// so neither the secret nor which key matched leaks through timing.
/// </summary>
internal static class ApiKeyMatcher
{
    public const string BearerPrefix = "Bearer ";

    /// <summary>The secret of an <c>Authorization: Bearer</c> header, or null.</summary>
    public static string? BearerToken(string? authorization) =>
        authorization is not null && authorization.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase)
            && authorization.Length > BearerPrefix.Length
            ? authorization[BearerPrefix.Length..].Trim()
            : null;

    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    /// <summary>The hex SHA-256 to put in configuration for a secret.</summary>
    public static string HashHex(string secret) => Convert.ToHexStringLower(Hash(secret));

    public static bool Matches(byte[] presentedHash, string? storedHex) =>
        TryDecode(storedHex, out var stored) && CryptographicOperations.FixedTimeEquals(presentedHash, stored);

    /// <summary>The configured key whose hash matches, or null. Every key is compared.</summary>
    public static ApiKeyOptions? Find(byte[] presentedHash, IReadOnlyList<ApiKeyOptions> keys)
    {
        ApiKeyOptions? found = null;
        foreach (var key in keys)
        {
            if (Matches(presentedHash, key.KeyHash) && found is null)
            {
                found = key;
            }
        }
        return found;
    }

    public static bool TryDecode(string? hex, out byte[] hash)
    {
        hash = [];
        if (hex is null || hex.Length != SHA256.HashSizeInBytes * 2)
        {
            return false;
        }
        try
        {
            hash = Convert.FromHexString(hex);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
