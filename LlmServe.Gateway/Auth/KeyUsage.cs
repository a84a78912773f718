namespace LlmServe.Gateway.Auth;

/// <summary>One key's usage: the current one-minute window's requests and tokens, and lifetime tokens spent or reserved.</summary>
internal sealed record KeyUsage(DateTimeOffset WindowStart, int Requests, long Tokens, long Spent)
{
    public static KeyUsage Empty { get; } = new(DateTimeOffset.MinValue, 0, 0, 0);
}
