using LlmServe.Gateway.Registry;
using LlmServe.Gateway.Routing;

namespace LlmServe.Gateway.Tests.Routing;

public sealed class PowerOfTwoChoicesRoutingPolicyTests
{
    private static readonly Deployment Pool = new("m", [], new Uri("http://worker-m"), false, "llmserve", "m");

    [Fact]
    public void Pick_NoReplicas_ReturnsNull()
    {
        var policy = new PowerOfTwoChoicesRoutingPolicy(new SeededRandomFactory(1));

        Assert.Null(policy.Pick(Pool, []));
    }

    [Fact]
    public void Pick_OneReplica_ReturnsIt()
    {
        var only = Replica(0, inFlight: 5);
        var policy = new PowerOfTwoChoicesRoutingPolicy(new ScriptedRandomFactory());

        // A single replica needs no randomness: the scripted random would throw if it were consulted.
        Assert.Same(only, policy.Pick(Pool, [only]));
    }

    [Fact]
    public void Pick_TwoReplicas_AlwaysPicksLessLoaded()
    {
        var busy = Replica(0, inFlight: 3);
        var idle = Replica(1, inFlight: 1);
        var policy = new PowerOfTwoChoicesRoutingPolicy(new SeededRandomFactory(42));

        // With two replicas both are always sampled, whatever order the seed draws them in.
        for (var i = 0; i < 50; i++)
        {
            Assert.Same(idle, policy.Pick(Pool, [busy, idle]));
        }
    }

    [Theory]
    // Draws (first, second): first = replicas[a]; second indexes the remaining n-1 slots, so b >= a shifts up by one.
    [InlineData(0, 0, 1)] // samples 0 (4 in flight) and 1 (2)  -> 1
    [InlineData(0, 1, 0)] // samples 0 (4) and 2 (7)            -> 0
    [InlineData(2, 0, 0)] // samples 2 (7) and 0 (4)            -> 0
    [InlineData(1, 1, 1)] // samples 1 (2) and 2 (7)            -> 1
    public void Pick_ThreeReplicas_PicksLessLoadedOfTheTwoSampled(int firstDraw, int secondDraw, int expected)
    {
        ReplicaState[] replicas = [Replica(0, inFlight: 4), Replica(1, inFlight: 2), Replica(2, inFlight: 7)];
        var policy = new PowerOfTwoChoicesRoutingPolicy(new ScriptedRandomFactory(firstDraw, secondDraw));

        Assert.Same(replicas[expected], policy.Pick(Pool, replicas));
    }

    [Fact]
    public void Pick_EqualLoad_PrefersFirstSample()
    {
        ReplicaState[] replicas = [Replica(0, inFlight: 1), Replica(1, inFlight: 1), Replica(2, inFlight: 1)];
        var policy = new PowerOfTwoChoicesRoutingPolicy(new ScriptedRandomFactory(2, 0));

        Assert.Same(replicas[2], policy.Pick(Pool, replicas));
    }

    [Fact]
    public void Pick_SeededRandom_NeverPicksTheSingleMostLoadedReplica()
    {
        ReplicaState[] replicas = [Replica(0, inFlight: 0), Replica(1, inFlight: 9), Replica(2, inFlight: 1), Replica(3, inFlight: 2)];
        var policy = new PowerOfTwoChoicesRoutingPolicy(new SeededRandomFactory(7));
        var picks = new int[replicas.Length];

        for (var i = 0; i < 400; i++)
        {
            picks[Array.IndexOf(replicas, policy.Pick(Pool, replicas))]++;
        }

        Assert.Equal(0, picks[1]);
        // Of the 6 equally likely pairs the idle replica wins 3, replica 2 wins 2 and replica 3 wins 1.
        Assert.True(picks[0] > picks[2] && picks[2] > picks[3], string.Join(",", picks));
    }

    private static ReplicaState Replica(int index, int inFlight)
    {
        var replica = new ReplicaState(Pool.Name, new Uri($"http://10.0.0.{index + 1}:8000"));
        for (var i = 0; i < inFlight; i++)
        {
            replica.Acquire();
        }
        return replica;
    }

    private sealed class SeededRandomFactory(int seed) : IRandomFactory
    {
        private readonly Random _random = new(seed);

        public Random CreateRandomInstance() => _random;
    }

    private sealed class ScriptedRandomFactory(params int[] draws) : IRandomFactory
    {
        public Random CreateRandomInstance() => new ScriptedRandom(draws);
    }

    private sealed class ScriptedRandom(int[] draws) : Random
    {
        private int _next;

        public override int Next(int maxValue)
        {
            var value = draws[_next++];
            Assert.InRange(value, 0, maxValue - 1);
            return value;
        }
    }
}
