using System.Security.Cryptography;
using LlmServe.ServiceDefaults.OpenAi;
using Microsoft.Extensions.Options;

namespace LlmServe.Gateway.Auth;

/// <summary>
/// Authenticates <c>/v1</c> and <c>/v2</c> with client keys and <c>/admin</c> with the admin key; answers 401/403 in OpenAI shape.
/// With no client keys the inference API is open; the admin API is then open too unless an admin key is set.
/// The admin key is not a client key: it cannot call models, so it can never bypass a budget.
/// </summary>
/// <remarks>
/// On the request path: the secret is hashed only when a decision needs it (an open API hashes nothing, though
/// OpenAI clients always send a bearer token), and the stored hashes are decoded once per configuration snapshot.
/// </remarks>
internal sealed class ApiKeyMiddleware(RequestDelegate next, IOptionsMonitor<GatewayOptions> options)
{
    public const string AdminPrefix = "/admin";

    private volatile ApiKeyTable? _table;

    public Task InvokeAsync(HttpContext context)
    {
        var table = Table();
        var path = context.Request.Path;

        if (path.StartsWithSegments(AdminPrefix, StringComparison.OrdinalIgnoreCase))
        {
            if (!table.HasAdminKey)
            {
                return table.Keys.Length == 0 ? next(context)
                    : Forbidden(context, "The admin API is disabled: configure Gateway:Auth:AdminKeyHash.");
            }
            var token = ApiKeyMatcher.BearerToken(context.Request.Headers.Authorization.ToString());
            if (token is null)
            {
                return Unauthorized(context, missing: true);
            }
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            ApiKeyTable.Hash(token, hash);
            if (table.IsAdmin(hash))
            {
                return next(context);
            }
            return table.Find(hash) is not null
                ? Forbidden(context, "This API key may not use the admin API.")
                : Unauthorized(context, missing: false);
        }

        if (table.Keys.Length == 0 || !IsInferencePath(path))
        {
            return next(context);
        }
        var secret = ApiKeyMatcher.BearerToken(context.Request.Headers.Authorization.ToString());
        if (secret is null)
        {
            return Unauthorized(context, missing: true);
        }
        Span<byte> presented = stackalloc byte[SHA256.HashSizeInBytes];
        ApiKeyTable.Hash(secret, presented);
        if (table.Find(presented) is not { } key)
        {
            return Unauthorized(context, missing: false);
        }
        context.Features.Set(new ApiKeyFeature(key));
        return next(context);
    }

    /// <summary>The client API: <c>/v1</c>, and <c>/v2</c> for Cohere-style rerank.</summary>
    private static bool IsInferencePath(PathString path) =>
        path.StartsWithSegments("/v1", StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments("/v2", StringComparison.OrdinalIgnoreCase);

    /// <summary>The table for the current configuration; rebuilt only when a reload bound new options.</summary>
    private ApiKeyTable Table()
    {
        var auth = options.CurrentValue.Auth;
        var table = _table;
        if (table is null || !ReferenceEquals(table.Options, auth))
        {
            _table = table = new ApiKeyTable(auth);
        }
        return table;
    }

    private static Task Unauthorized(HttpContext context, bool missing)
    {
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return OpenAiError.WriteAsync(context, StatusCodes.Status401Unauthorized,
            missing
                ? "You didn't provide an API key. Send it as 'Authorization: Bearer YOUR_KEY'."
                : "Incorrect API key provided.",
            OpenAiError.Authentication, null, missing ? "missing_api_key" : "invalid_api_key");
    }

    private static Task Forbidden(HttpContext context, string message) =>
        OpenAiError.WriteAsync(context, StatusCodes.Status403Forbidden, message, OpenAiError.Permission, null, "admin_only");
}
