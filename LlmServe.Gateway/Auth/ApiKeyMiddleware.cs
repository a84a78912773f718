using LlmServe.ServiceDefaults.OpenAi;
using Microsoft.Extensions.Options;

namespace LlmServe.Gateway.Auth;

/// <summary>
/// Authenticates <c>/v1</c> with client keys and <c>/admin</c> with the admin key; answers 401/403 in OpenAI shape.
/// With no client keys the inference API is open; the admin API is then open too unless an admin key is set.
/// The admin key is not a client key: it cannot call models, so it can never bypass a budget.
/// </summary>
internal sealed class ApiKeyMiddleware(RequestDelegate next, IOptionsMonitor<GatewayOptions> options)
{
    public const string AdminPrefix = "/admin";

    public Task InvokeAsync(HttpContext context)
    {
        var auth = options.CurrentValue.Auth;
        var path = context.Request.Path;
        var token = ApiKeyMatcher.BearerToken(context.Request.Headers.Authorization.ToString());
        var hash = token is null ? null : ApiKeyMatcher.Hash(token);

        if (path.StartsWithSegments(AdminPrefix, StringComparison.OrdinalIgnoreCase))
        {
            if (string.IsNullOrEmpty(auth.AdminKeyHash))
            {
                return auth.Keys.Count == 0 ? next(context)
                    : Forbidden(context, "The admin API is disabled: configure Gateway:Auth:AdminKeyHash.");
            }
            if (hash is not null && ApiKeyMatcher.Matches(hash, auth.AdminKeyHash))
            {
                return next(context);
            }
            return hash is not null && ApiKeyMatcher.Find(hash, auth.Keys) is not null
                ? Forbidden(context, "This API key may not use the admin API.")
                : Unauthorized(context, token is null);
        }

        if (auth.Keys.Count == 0 || !path.StartsWithSegments("/v1", StringComparison.OrdinalIgnoreCase))
        {
            return next(context);
        }
        if (hash is null || ApiKeyMatcher.Find(hash, auth.Keys) is not { } key)
        {
            return Unauthorized(context, token is null);
        }
        context.Features.Set(new ApiKeyFeature(key));
        return next(context);
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
