namespace LlmServe.Worker.Tests.Oracle;

/// <summary>
/// The pretrained stories260K model against llama.cpp: same prompt tokens, same last-position logits, and the same
/// 64-token greedy continuations (the model has near-ties, so this needs float32 agreement, not just similarity).
/// </summary>
public sealed class Stories260KOracleTests(Stories260KFixture fixture) : IClassFixture<Stories260KFixture>
{
    public static TheoryData<string> Prompts =>
    [
        "Once upon a time",
        "Lily and Ben went to the park. They",
        "One day, a big bear found a shiny red ball.",
        "The little dog was sad because",
    ];

    [Theory]
    [MemberData(nameof(Prompts))]
    public void Encode_Prompt_MatchesLlamaCppTokens(string prompt)
    {
        var ours = fixture.Model.Tokenizer.Encode(prompt, addSpecial: true);

        Assert.Equal(fixture.Oracle.Tokenize(prompt, addBos: true), ours);
    }

    [Theory]
    [MemberData(nameof(Prompts))]
    public void Forward_Prompt_LastLogitsMatchLlamaCpp(string prompt)
    {
        var tokens = fixture.Oracle.Tokenize(prompt, addBos: true);

        var ours = WorkerRun.LastLogits(fixture.Model.Network, tokens);

        OracleAssert.LogitsClose(ours, fixture.Oracle.LastLogits(tokens), 1e-3, $"'{prompt}'");
    }

    [Theory]
    [MemberData(nameof(Prompts))]
    public void Greedy_64Tokens_TokenIdenticalToLlamaCpp(string prompt)
    {
        var tokens = fixture.Model.Tokenizer.Encode(prompt, addSpecial: true);

        var ours = WorkerRun.Greedy(fixture.Model.Network, tokens, 64);

        OracleAssert.SameTokens(fixture.Oracle.Greedy(tokens, 64), ours, $"'{prompt}'");
    }
}
