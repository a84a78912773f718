using LlmServe.Worker.Chat.Reasoning;
using LlmServe.Worker.Tests.Tokenization.Fixtures;
using LlmServe.Worker.Tokenization;

namespace LlmServe.Worker.Tests.Chat.Reasoning;

/// <summary>Which reasoning prompts keep the thought free of the output constraint, on a vocabulary with single-token tags.</summary>
public sealed class ReasoningGateTests
{
    private const int EndThink = TokenizerFixtures.EndThink;

    private static readonly Lazy<ITokenizer> Tokenizer = new(() => HfTokenizerLoader.Load(TokenizerFixtures.Gpt2WithThinkTagsJson.Value, null));

    private static int? Gate(string parser, string prompt) =>
        ReasoningGate.EndToken(ReasoningParser.Create(parser), Tokenizer.Value, Tokenizer.Value.Encode(prompt, addSpecial: false));

    [Theory]
    [InlineData("deepseek_r1", "User: hi\nAssistant: <think>\n", EndThink)]     // the template opened the thought
    [InlineData("deepseek_r1", "User: hi\nAssistant:", EndThink)]               // R1 may open it itself, or not at all
    [InlineData("deepseek_r1", "<think>old</think> User: hi\nAssistant: <think>\n", EndThink)]
    [InlineData("qwen3", "user: hi\nassistant: <think>\n", EndThink)]
    public void OpenThought_ConstraintWaitsForItsEnd(string parser, string prompt, int expected) =>
        Assert.Equal(expected, Gate(parser, prompt));

    [Theory]
    [InlineData("qwen3", "user: hi\nassistant: <think>\n\n</think>\n\n")]       // enable_thinking: false
    [InlineData("deepseek_r1", "Assistant: <think>\n\n</think>\n\n")]
    [InlineData("qwen3", "user: hi\nassistant:")]                               // Qwen3 needs the opening tag
    public void ClosedOrNoThought_ConstraintBindsFromTheStart(string parser, string prompt) =>
        Assert.Null(Gate(parser, prompt));

    [Fact]
    public void NoParser_NoGate() =>
        Assert.Null(ReasoningGate.EndToken(null, Tokenizer.Value, [1, 2, 3]));
}
