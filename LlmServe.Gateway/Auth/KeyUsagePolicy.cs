namespace LlmServe.Gateway.Auth;

/// <summary>
/// Pure rpm/tpm/budget accounting over fixed one-minute windows. A request reserves its estimated tokens up front
/// (so concurrent requests cannot overdraw a budget) and settles to the usage the worker reported afterwards.
/// </summary>
/// <remarks>
/// Budget 1000, spent 900, cost 150: 900 + 150 > 1000 -> Budget. Tpm 500, window tokens 400, cost 200 -> TokensPerMinute,
/// retry when the window ends; a single request larger than the whole tpm is let through an empty window so it is
/// not refused forever.
/// </remarks>
internal static class KeyUsagePolicy
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    public static (KeyUsage Next, UsageRejection Rejection, TimeSpan RetryAfter) TryReserve(
        KeyUsage usage, ApiKeyOptions key, long cost, DateTimeOffset now)
    {
        var current = now - usage.WindowStart >= Window ? usage with { WindowStart = now, Requests = 0, Tokens = 0 } : usage;
        var retryAfter = current.WindowStart + Window - now;
        if (key.Budget > 0 && current.Spent + cost > key.Budget)
        {
            return (current, UsageRejection.Budget, TimeSpan.Zero);
        }
        if (key.RequestsPerMinute > 0 && current.Requests + 1 > key.RequestsPerMinute)
        {
            return (current, UsageRejection.RequestsPerMinute, retryAfter);
        }
        if (key.TokensPerMinute > 0 && current.Tokens > 0 && current.Tokens + cost > key.TokensPerMinute)
        {
            return (current, UsageRejection.TokensPerMinute, retryAfter);
        }
        return (current with { Requests = current.Requests + 1, Tokens = current.Tokens + cost, Spent = current.Spent + cost },
            UsageRejection.None, TimeSpan.Zero);
    }

    /// <summary>Replaces a reservation by the actual tokens; the window's tokens only while it is the same window.</summary>
    public static KeyUsage Settle(KeyUsage usage, DateTimeOffset reservedIn, long reserved, long actual)
    {
        var delta = actual - reserved;
        return usage with
        {
            Spent = Math.Max(0, usage.Spent + delta),
            Tokens = usage.WindowStart == reservedIn ? Math.Max(0, usage.Tokens + delta) : usage.Tokens,
        };
    }
}
