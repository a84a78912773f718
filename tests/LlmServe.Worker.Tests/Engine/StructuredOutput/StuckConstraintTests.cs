using LlmServe.Worker.Engine;
using LlmServe.Worker.Engine.StructuredOutput;
using LlmServe.Worker.Tokenization;

namespace LlmServe.Worker.Tests.Engine.StructuredOutput;

/// <summary>
/// A request whose constraint no token can continue fails on its own: the requests batched with it go on and get
/// exactly the tokens they get alone, and its blocks go back to the pool.
/// </summary>
public sealed class StuckConstraintTests
{
    private static readonly SamplingParams Greedy = new() { Temperature = 0, MaxTokens = 16, IgnoreEos = true };

    [Fact]
    public async Task AConstraintTheVocabularyCannotContinue_FailsOnlyItsOwnRequest()
    {
        using var engine = TestEngines.Create();
        var tokenizer = engine.Model.Tokenizer;
        var ct = TestContext.Current.CancellationToken;
        // The constraint sees a vocabulary that spells only "a": it may begin, but after "a" it needs "b", which no
        // token it knows of spells.
        var masker = new TokenMasker(new LazyDfa(Nfa.Build(RegexParser.Parse("ab"))), new TokenTrie(new OnlySpelling(tokenizer, "a")));
        string[] prompts = ["Once upon a time", "The little dog", "Tim had a red ball"];
        var alone = new List<List<int>>();
        foreach (var p in prompts)
        {
            alone.Add(await TestEngines.CollectAsync(engine.Submit($"alone-{alone.Count}", tokenizer.Encode(p, true), Greedy, ct), ct));
        }

        var stuck = engine.Submit("stuck", tokenizer.Encode("Hello", true), Greedy with { Grammar = masker }, ct);
        var batched = prompts.Select((p, i) => engine.Submit($"batched-{i}", tokenizer.Encode(p, true), Greedy, ct)).ToList();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => TestEngines.CollectAsync(stuck, ct));
        Assert.Contains("cannot be continued", error.Message);
        for (var i = 0; i < prompts.Length; i++)
        {
            Assert.Equal(alone[i], await TestEngines.CollectAsync(batched[i], ct));
        }
        await WaitUntilAsync(() => engine.Load.KvCacheUsage == 0 && engine.Load.Running == 0, ct);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, CancellationToken ct)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(25, ct);
        }
        Assert.True(condition());
    }

    /// <summary>The model's tokenizer with every token that does not spell exactly <paramref name="text"/> left blank.</summary>
    private sealed class OnlySpelling(ITokenizer inner, string text) : ITokenizer
    {
        private readonly byte[] _bytes = System.Text.Encoding.UTF8.GetBytes(text);

        public int VocabSize => inner.VocabSize;
        public int? BosId => inner.BosId;
        public int? EosId => inner.EosId;
        public bool AddBos => inner.AddBos;
        public IReadOnlyList<int> Encode(string text, bool addSpecial) => inner.Encode(text, addSpecial);
        public ReadOnlySpan<byte> TokenBytes(int id) => inner.TokenBytes(id).SequenceEqual(_bytes) ? _bytes : [];
        public bool IsControl(int id) => inner.IsControl(id);
    }
}
