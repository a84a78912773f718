using static LlmServe.Worker.Tests.Chat.ChatFixtures;

namespace LlmServe.Worker.Tests.Chat.Jinja;

/// <summary>SmolLM2's plain ChatML template, which adds a default system prompt and knows nothing of tools.</summary>
public sealed class SmolLm2TemplateTests
{
    private const string DefaultSystem =
        "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n";

    private static readonly Worker.Chat.Jinja.ChatTemplate Template = Load("HuggingFaceTB-SmolLM2-135M-Instruct.jinja");

    [Fact]
    public void Render_User_AddsDefaultSystemAndAssistantHeader()
    {
        Assert.Equal(DefaultSystem + "<|im_start|>user\nHello!<|im_end|>\n<|im_start|>assistant\n", Render(Template, User));
    }

    [Fact]
    public void Render_WithoutGenerationPrompt_EndsAfterTheLastTurn()
    {
        Assert.Equal(DefaultSystem + "<|im_start|>user\nHello!<|im_end|>\n", Render(Template, User, addGenerationPrompt: false));
    }

    [Fact]
    public void Render_Conversation_UsesTheGivenSystemMessage()
    {
        Assert.Equal(
            "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n"
            + "<|im_start|>user\nWhat is 2+2?<|im_end|>\n"
            + "<|im_start|>assistant\n4<|im_end|>\n"
            + "<|im_start|>user\nAnd 3+3?<|im_end|>\n"
            + "<|im_start|>assistant\n",
            Render(Template, Conversation));
    }

    [Fact]
    public void Render_ToolRound_RendersEveryMessageAsAPlainTurnAndIgnoresTools()
    {
        Assert.Equal(
            DefaultSystem
            + "<|im_start|>user\nWhat's the weather in Paris?<|im_end|>\n"
            + "<|im_start|>assistant\n<|im_end|>\n"
            + "<|im_start|>tool\n22.0<|im_end|>\n"
            + "<|im_start|>assistant\n",
            Render(Template, ToolRound, Tools));
    }
}
