using LlmServe.Worker.Engine;
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
        var prompt = tokenizer.Encode("Once upon a time", true);
        var free = await CollectAsync(engine.Submit("free", prompt, Greedy, ct), ct);
        // The free continuation's first token stands in for the end of a thought: ", there was ..." begins with it.
        var gate = free[0];
        var grammar = engine.Constraints.Compile(new(Worker.Engine.StructuredOutput.OutputConstraintKind.Regex, "[xyz]{3}"));

        var gated = await CollectAsync(engine.Submit("gated", prompt, Greedy with { Grammar = grammar, GrammarAfterToken = gate }, ct), ct);
        var ungated = await CollectAsync(engine.Submit("ungated", prompt, Greedy with { Grammar = grammar }, ct), ct);

        Assert.Equal(gate, gated[0]);
        Assert.Matches("^[xyz]{3}$", tokenizer.Decode(gated.Skip(1).ToList()));
        Assert.Matches("^[xyz]{3}$", tokenizer.Decode(ungated));
    }

    [Fact]
    public async Task GateTokenNeverGenerated_LeavesTheOutputFree()
    {
        using var engine = TestEngines.Create();
        var tokenizer = engine.Model.Tokenizer;
        var ct = TestContext.Current.CancellationToken;
        var prompt = tokenizer.Encode("Once upon a time", true);
        var free = await CollectAsync(engine.Submit("free", prompt, Greedy, ct), ct);
        var grammar = engine.Constraints.Compile(new(Worker.Engine.StructuredOutput.OutputConstraintKind.Regex, "[xyz]{3}"));
        var unused = Enumerable.Range(3, 100).First(t => !free.Contains(t));

        var gated = await CollectAsync(engine.Submit("gated", prompt, Greedy with { Grammar = grammar, GrammarAfterToken = unused }, ct), ct);

        Assert.Equal(free, gated);
    }

    private static async Task<List<int>> CollectAsync(GenerationRequest request, CancellationToken ct)
    {
        var tokens = new List<int>();
        await foreach (var e in request.Output.Reader.ReadAllAsync(ct))
        {
            if (e.TokenId is int t)
            {
                tokens.Add(t);
            }
        }
        return tokens;
    }
}
