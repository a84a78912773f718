using LlmServe.Worker.Chat.Reasoning;
using LlmServe.Worker.Tests.Tokenization.Fixtures;
using LlmServe.Worker.Tokenization;

namespace LlmServe.Worker.Tests.Chat.Reasoning;

/// <summary>Which reasoning prompts keep the thought free of the output constraint, on a vocabulary with single-token tags.</summary>
public sealed class ReasoningGateTests
{
    private const int EndThink = TokenizerFixtures.EndThink;

    private static readonly Lazy<ITokenizer> Tokenizer = new(() => HfTokenizerLoader.Load(TokenizerFixtures.Gpt2WithThinkTagsJson.Value, null));

    private static (int? After, int? Open) Gate(string parser, string prompt) =>
        ReasoningGate.For(ReasoningParser.Create(parser), Tokenizer.Value, Tokenizer.Value.Encode(prompt, addSpecial: false));

    [Theory]
    [InlineData("deepseek_r1", "User: hi\nAssistant: <think>\n")]     // the template opened the thought
    [InlineData("deepseek_r1", "User: hi\nAssistant:")]               // R1 may open it itself, or not at all
    [InlineData("deepseek_r1", "<think>old</think> User: hi\nAssistant: <think>\n")]
    [InlineData("qwen3", "user: hi\nassistant: <think>\n")]
    public void OpenThought_ConstraintWaitsForItsEnd(string parser, string prompt) =>
        Assert.Equal((EndThink, (int?)null), Gate(parser, prompt));

    /// <summary>Qwen3's default thinking mode: the template writes no tag; the model's first token may open a thought.</summary>
    [Fact]
    public void Qwen3_ChoiceLeftToTheModel_FirstTokenMayOpenAThought() =>
        Assert.Equal((EndThink, TokenizerFixtures.Think), Gate("qwen3", "user: hi\nassistant:"));

    [Theory]
    [InlineData("qwen3", "user: hi\nassistant: <think>\n\n</think>\n\n")]       // enable_thinking: false
    [InlineData("deepseek_r1", "Assistant: <think>\n\n</think>\n\n")]
    public void ClosedThought_ConstraintBindsFromTheStart(string parser, string prompt) =>
        Assert.Equal((null, null), Gate(parser, prompt));

    [Fact]
    public void NoParser_NoGate() =>
        Assert.Equal((null, null), ReasoningGate.For(null, Tokenizer.Value, [1, 2, 3]));
}
