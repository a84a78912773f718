using LlmServe.Worker.Engine;
using LlmServe.Worker.Engine.StructuredOutput;
using LlmServe.Worker.Tokenization;

namespace LlmServe.Worker.Tests.Engine.StructuredOutput;

/// <summary>
/// A constraint gated on a token (a reasoning model's end of thought) leaves the output free up to and including that
/// token and binds everything after it, through the real engine.
/// </summary>
public sealed class GrammarAfterTokenTests
{
    private static readonly SamplingParams Greedy = new() { Temperature = 0, MaxTokens = 12 };

    [Fact]
    public async Task Constraint_BindsOnlyAfterTheGateToken()
    {
        using var engine = TestEngines.Create();
        var tokenizer = engine.Model.Tokenizer;
        var ct = TestContext.Current.CancellationToken;
        var (prompt, free, grammar) = await SetUpAsync(engine, ct);
        // The free continuation's first token stands in for the end of a thought: ", there was ..." begins with it.
        var gate = free[0];

        var gated = await TestEngines.CollectAsync(engine.Submit("gated", prompt, Greedy with { Grammar = grammar, GrammarAfterToken = gate }, ct), ct);
        var ungated = await TestEngines.CollectAsync(engine.Submit("ungated", prompt, Greedy with { Grammar = grammar }, ct), ct);

        Assert.Equal(gate, gated[0]);
        Assert.Matches("^[xyz]{3}$", tokenizer.Decode(gated.Skip(1).ToList()));
        Assert.Matches("^[xyz]{3}$", tokenizer.Decode(ungated));
    }

    [Fact]
    public async Task GateTokenNeverGenerated_LeavesTheOutputFree()
    {
        using var engine = TestEngines.Create();
        var ct = TestContext.Current.CancellationToken;
        var (prompt, free, grammar) = await SetUpAsync(engine, ct);
        var unused = Enumerable.Range(3, 100).First(t => !free.Contains(t));

        var gated = await TestEngines.CollectAsync(engine.Submit("gated", prompt, Greedy with { Grammar = grammar, GrammarAfterToken = unused }, ct), ct);

        Assert.Equal(free, gated);
    }

    /// <summary>
    /// A first token that may open a thought: when greedy picks it, the output stays free until the end token; when
    /// the grammar's tokens outscore it, the answer is constrained from the first token.
    /// </summary>
    [Fact]
    public async Task OptionalThought_OpenedByTheFirstToken_OrSkipped()
    {
        using var engine = TestEngines.Create();
        var tokenizer = engine.Model.Tokenizer;
        var ct = TestContext.Current.CancellationToken;
        var (prompt, free, grammar) = await SetUpAsync(engine, ct);
        var unlikely = Enumerable.Range(3, 100).First(t => !free.Contains(t));

        var opened = await TestEngines.CollectAsync(engine.Submit("opened", prompt,
            Greedy with { Grammar = grammar, GrammarAfterToken = free[2], ThoughtOpenToken = free[0] }, ct), ct);
        var skipped = await TestEngines.CollectAsync(engine.Submit("skipped", prompt,
            Greedy with { Grammar = grammar, GrammarAfterToken = free[2], ThoughtOpenToken = unlikely }, ct), ct);

        Assert.Equal(free[..3], opened[..3]);
        Assert.Matches("^[xyz]{3}$", tokenizer.Decode(opened.Skip(3).ToList()));
        Assert.Matches("^[xyz]{3}$", tokenizer.Decode(skipped));
    }

    /// <summary>The prompt, its free greedy continuation, and a constraint that continuation does not meet.</summary>
    private static async Task<(IReadOnlyList<int> Prompt, List<int> Free, TokenMasker Grammar)> SetUpAsync(InferenceEngine engine, CancellationToken ct)
    {
        var prompt = engine.Model.Tokenizer.Encode("Once upon a time", true);
        var free = await TestEngines.CollectAsync(engine.Submit("free", prompt, Greedy, ct), ct);
        return (prompt, free, engine.Constraints.Compile(new(OutputConstraintKind.Regex, "[xyz]{3}")));
    }
}
