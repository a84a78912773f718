using LlmServe.Gateway.Auth;

namespace LlmServe.Gateway.Tests.Auth;

public sealed class KeyUsagePolicyTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    // rpm 2: third request in the same window is refused, retry when the window (started at T0) ends.
    [InlineData(2, 0, 0, 2, 0, 0, 10, 5, "RequestsPerMinute", 55)]
    // tpm 500: 400 used + 200 > 500.
    [InlineData(0, 500, 0, 1, 400, 400, 200, 5, "TokensPerMinute", 55)]
    // tpm 500, empty window, one request of 800: let through so it is not refused forever.
    [InlineData(0, 500, 0, 0, 0, 0, 800, 5, "None", 0)]
    // budget 1000: 900 spent + 150 > 1000.
    [InlineData(0, 0, 1000, 1, 10, 900, 150, 5, "Budget", 0)]
    // budget 1000: 900 + 100 = 1000 fits exactly.
    [InlineData(0, 0, 1000, 1, 10, 900, 100, 5, "None", 0)]
    // rpm 2 with 2 used, but 61 s later the window has rolled over.
    [InlineData(2, 0, 0, 2, 0, 0, 10, 61, "None", 0)]
    public void TryReserve_Table_ReturnsExpectedRejection(int rpm, long tpm, long budget, int requests, long tokens, long spent,
        long cost, int secondsLater, string expectedName, int retryAfterSeconds)
    {
        var expected = Enum.Parse<UsageRejection>(expectedName);
        var key = new ApiKeyOptions { Name = "k", RequestsPerMinute = rpm, TokensPerMinute = tpm, Budget = budget };
        var usage = new KeyUsage(T0, requests, tokens, spent);

        var (next, rejection, retryAfter) = KeyUsagePolicy.TryReserve(usage, key, cost, T0.AddSeconds(secondsLater));

        Assert.Equal(expected, rejection);
        Assert.Equal(TimeSpan.FromSeconds(retryAfterSeconds), retryAfter);
        if (expected == UsageRejection.None)
        {
            Assert.Equal(spent + cost, next.Spent);
        }
    }

    [Fact]
    public void Settle_ActualBelowReserved_RefundsSpentAndWindowTokens()
    {
        // Reserved 300, used 40: 1000 - 260 spent, 300 - 260 window tokens.
        var settled = KeyUsagePolicy.Settle(new KeyUsage(T0, 1, 300, 1000), T0, reserved: 300, actual: 40);

        Assert.Equal(740, settled.Spent);
        Assert.Equal(40, settled.Tokens);
    }

    [Fact]
    public void Find_HashOfSecret_MatchesOnlyThatKey()
    {
        var keys = new List<ApiKeyOptions>
        {
            new() { Name = "a", KeyHash = ApiKeyMatcher.HashHex("sk-a") },
            new() { Name = "b", KeyHash = ApiKeyMatcher.HashHex("sk-b").ToUpperInvariant() },
            new() { Name = "broken", KeyHash = "not-hex" },
        };

        Assert.Equal("b", ApiKeyMatcher.Find(ApiKeyMatcher.Hash("sk-b"), keys)?.Name);
        Assert.Null(ApiKeyMatcher.Find(ApiKeyMatcher.Hash("sk-c"), keys));
        Assert.Equal("sk-x", ApiKeyMatcher.BearerToken("Bearer sk-x"));
        Assert.Null(ApiKeyMatcher.BearerToken("Basic abc"));
    }
}
