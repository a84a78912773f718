using LlmServe.TestUtilities;
using LlmServe.Worker.Engine.StructuredOutput;
using LlmServe.Worker.Model;
using static TorchSharp.torch;

namespace LlmServe.Worker.Tests.Engine.StructuredOutput;

/// <summary>What a constraint may hold in memory: its automaton's states and its cached token masks are bounded.</summary>
public sealed class AutomatonLimitsTests
{
    [Fact]
    public void AConstraintWhoseAutomatonExplodes_StopsAtTheStateLimit()
    {
        // The DFA of [ab]*a[ab]{12} remembers the last 13 bytes: up to 2^13 states, one new one per byte of output.
        var dfa = new LazyDfa(Nfa.Build(RegexParser.Parse("[ab]*a[ab]{12}")), maxStates: 1_000);
        var random = new Random(7);
        var state = dfa.Start;

        var error = Assert.Throws<InvalidOperationException>(() =>
        {
            for (var i = 0; i < 100_000; i++)
            {
                state = dfa.Next(state, random.Next(2) == 0 ? (byte)'a' : (byte)'b');
            }
        });

        Assert.Contains("automaton states", error.Message);
        Assert.Equal(1_000, dfa.StateCount);
    }

    [Fact]
    public void ALongWalkThroughDistinctStates_KeepsABoundedMaskCache()
    {
        using var model = ModelLoader.Load(TestModels.Stories260K, ScalarType.Float32);
        var tokenizer = model.Tokenizer;
        var masker = new TokenMasker(new LazyDfa(Nfa.Build(RegexParser.Parse("[0-9]{0,3000}"))), new TokenTrie(tokenizer));
        var digit = Enumerable.Range(0, tokenizer.VocabSize).First(t => tokenizer.TokenBytes(t).SequenceEqual("7"u8));
        var state = masker.Start;
        var peak = 0;

        for (var i = 0; i < TokenMasker.MaxCachedMasks + 500; i++)
        {
            Assert.NotEqual(0UL, masker.Allowed(state)[digit / 64] & (1UL << (digit % 64)));
            peak = Math.Max(peak, masker.CachedMasks);
            state = masker.Advance(state, tokenizer, digit);
        }

        Assert.Equal(TokenMasker.MaxCachedMasks, peak);
        Assert.True(masker.CachedMasks < TokenMasker.MaxCachedMasks);
    }
}
