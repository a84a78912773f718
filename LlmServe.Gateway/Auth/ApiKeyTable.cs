using System.Security.Cryptography;
using System.Text;

namespace LlmServe.Gateway.Auth;

/// <summary>
/// The configured key hashes decoded once per configuration snapshot, so a request costs one SHA-256 of the
/// presented secret (into a stack buffer) and a fixed-time comparison with each stored hash, with no hex decoding
/// or allocation per request.
/// </summary>
internal sealed class ApiKeyTable
{
    private readonly byte[][] _hashes;
    private readonly byte[]? _admin;

    public ApiKeyTable(AuthOptions options)
    {
        Options = options;
        Keys = [.. options.Keys];
        // Options validation rejects malformed hashes; an undecodable one (never valid) simply matches nothing.
        _hashes = Keys.Select(k => ApiKeyMatcher.TryDecode(k.KeyHash, out var h) ? h : []).ToArray();
        _admin = ApiKeyMatcher.TryDecode(options.AdminKeyHash, out var admin) ? admin : null;
    }

    /// <summary>The snapshot this table was built from (a reload binds a new instance).</summary>
    public AuthOptions Options { get; }

    public ApiKeyOptions[] Keys { get; }

    public bool HasAdminKey => _admin is not null;

    /// <summary>SHA-256 of the UTF-8 secret into <paramref name="hash"/> (32 bytes).</summary>
    public static void Hash(string secret, Span<byte> hash)
    {
        var max = Encoding.UTF8.GetMaxByteCount(secret.Length);
        var rented = max <= 512 ? null : new byte[max];
        Span<byte> utf8 = rented ?? stackalloc byte[512];
        var length = Encoding.UTF8.GetBytes(secret, utf8);
        SHA256.HashData(utf8[..length], hash);
    }

    public bool IsAdmin(ReadOnlySpan<byte> hash) => _admin is not null && CryptographicOperations.FixedTimeEquals(hash, _admin);

    /// <summary>The key whose hash matches, or null. Every key is compared, so timing does not reveal which matched.</summary>
    public ApiKeyOptions? Find(ReadOnlySpan<byte> hash)
    {
        ApiKeyOptions? found = null;
        for (var i = 0; i < _hashes.Length; i++)
        {
            if (CryptographicOperations.FixedTimeEquals(hash, _hashes[i]) && found is null)
            {
                found = Keys[i];
            }
        }
        return found;
    }
}
