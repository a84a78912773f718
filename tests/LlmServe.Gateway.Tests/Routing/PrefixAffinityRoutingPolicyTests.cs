using LlmServe.Gateway.Registry;
using LlmServe.Gateway.Routing;
using Microsoft.Extensions.Options;

namespace LlmServe.Gateway.Tests.Routing;

public sealed class PrefixAffinityRoutingPolicyTests
{
    private static readonly Deployment Llama = new("llama", [], new Uri("http://worker-llama"), false, "o", "llama");

    [Theory]
    // Block 4: "abcdefghij" -> 2 whole blocks ("abcd", "abcdefgh"); the partial "ij" is ignored.
    [InlineData("abcdefghij", 4, 16, 2)]
    [InlineData("abcdefghij", 4, 1, 1)]
    [InlineData("abc", 4, 16, 0)]
    [InlineData("", 4, 16, 0)]
    public void Hashes_Text_OneHashPerWholeBlockUpToMax(string text, int block, int maxBlocks, int expected) =>
        Assert.Equal(expected, PrefixAffinity.Hashes(text, block, maxBlocks).Length);

    [Fact]
    public void Hashes_SharedPrefix_SharesLeadingHashesOnly()
    {
        var a = PrefixAffinity.Hashes("systemprompt-question-one", 4, 16);
        var b = PrefixAffinity.Hashes("systemprompt-question-two", 4, 16);

        // "syst","system","systempr" ... agree through "systemprompt-question-" (22 chars -> 5 blocks of 4).
        Assert.Equal(a[..5], b[..5]);
        Assert.NotEqual(a[^1], b[^1]);
    }

    [Fact]
    public void Pick_SamePrefix_StaysOnReplicaUntilImbalanceExceeded()
    {
        var a = new ReplicaState("llama", new Uri("http://10.0.0.1:8000"));
        var b = new ReplicaState("llama", new Uri("http://10.0.0.2:8000"));
        var policy = new PrefixAffinityRoutingPolicy(new PowerOfTwoChoicesRoutingPolicy(new RandomFactory()),
            new StaticOptions(new GatewayOptions { Routing = new() { ImbalanceThreshold = 2 } }));
        var request = new RouteRequest("llama") { PrefixHashes = PrefixAffinity.Hashes(new string('s', 64) + "q1", 16, 8) };
        var follow = new RouteRequest("llama") { PrefixHashes = PrefixAffinity.Hashes(new string('s', 64) + "q2", 16, 8) };

        var first = policy.Pick(Llama, [a, b], request);
        Assert.NotNull(first);
        var other = first == a ? b : a;
        var leases = new List<ReplicaLease>();
        for (var i = 0; i < 2; i++)
        {
            // In flight 0,1 more than the other replica: still within the threshold of 2.
            Assert.Same(first, policy.Pick(Llama, [a, b], follow));
            leases.Add(first.Acquire());
        }
        leases.Add(first.Acquire());

        // 3 in flight vs 0: 3 - 0 > 2, so load balancing takes over and picks the idle replica.
        Assert.Same(other, policy.Pick(Llama, [a, b], follow));
        leases.ForEach(l => l.Dispose());
    }

    private sealed class StaticOptions(GatewayOptions value) : IOptionsMonitor<GatewayOptions>
    {
        public GatewayOptions CurrentValue => value;

        public GatewayOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<GatewayOptions, string?> listener) => null;
    }
}
