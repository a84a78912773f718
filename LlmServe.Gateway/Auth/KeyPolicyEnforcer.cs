using System.Globalization;
using System.Text.Json;
using LlmServe.Gateway.Registry;
using LlmServe.ServiceDefaults.OpenAi;
using Microsoft.Extensions.Options;

namespace LlmServe.Gateway.Auth;

/// <summary>Applies an authenticated key's model list (403) and rpm/tpm/budget limits (429) before a request is routed.</summary>
internal sealed class KeyPolicyEnforcer(ModelRegistryProvider registry, KeyUsageLedger ledger, IOptionsMonitor<GatewayOptions> options)
{
    /// <summary>Null when the request may proceed (with a reservation to settle when a key is in use), else the error to answer.</summary>
    public IResult? Check(HttpContext context, string model, JsonElement body, out KeyUsageLedger.Reservation? reservation)
    {
        reservation = null;
        if (context.Features.Get<ApiKeyFeature>()?.Key is not { } key)
        {
            return null;
        }
        if (!IsAllowed(key, model))
        {
            return OpenAiError.Create(StatusCodes.Status403Forbidden,
                $"The API key '{key.Name}' may not use the model `{model}`.", OpenAiError.Permission, "model", "model_not_allowed");
        }

        var cost = TokenEstimator.Estimate(body, options.CurrentValue.Auth.DefaultReservedTokens);
        (reservation, var rejection, var retryAfter) = ledger.TryReserve(key, cost);
        if (rejection == UsageRejection.None)
        {
            return null;
        }
        if (rejection == UsageRejection.Budget)
        {
            return OpenAiError.Create(StatusCodes.Status429TooManyRequests,
                $"The API key '{key.Name}' has exhausted its token budget of {key.Budget}.", "insufficient_quota", null, "insufficient_quota");
        }
        context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        var what = rejection == UsageRejection.RequestsPerMinute
            ? $"requests per minute ({key.RequestsPerMinute})"
            : $"tokens per minute ({key.TokensPerMinute})";
        return OpenAiError.Create(StatusCodes.Status429TooManyRequests,
            $"Rate limit reached for API key '{key.Name}' on {what}. Please retry after the Retry-After interval.",
            OpenAiError.RateLimit, null, "rate_limit_exceeded");
    }

    private bool IsAllowed(ApiKeyOptions key, string model)
    {
        if (key.Models.Length == 0 || key.Models.Contains(model, StringComparer.Ordinal))
        {
            return true;
        }
        return registry.Current.TryResolve(model, out var served) && key.Models.Contains(served.Deployment.Name, StringComparer.Ordinal);
    }
}
