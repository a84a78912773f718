using static LlmServe.Worker.Tests.Chat.ChatFixtures;

namespace LlmServe.Worker.Tests.Chat.Jinja;

/// <summary>Phi-3.5's template: &lt;|role|&gt; headers, &lt;|end|&gt; after every turn, EOS when no reply is prompted.</summary>
public sealed class Phi3TemplateTests
{
    private static readonly Worker.Chat.Jinja.ChatTemplate Template = Load("microsoft-Phi-3.5-mini-instruct.jinja");

    [Fact]
    public void Render_Conversation()
    {
        Assert.Equal(
            "<|system|>\nYou are a helpful assistant.<|end|>\n<|user|>\nWhat is 2+2?<|end|>\n<|assistant|>\n4<|end|>\n"
            + "<|user|>\nAnd 3+3?<|end|>\n<|assistant|>\n",
            Render(Template, Conversation, eos: "<|endoftext|>"));
    }

    [Fact]
    public void Render_WithoutGenerationPrompt_EndsWithEos()
    {
        Assert.Equal("<|user|>\nHello!<|end|>\n<|endoftext|>", Render(Template, User, addGenerationPrompt: false, eos: "<|endoftext|>"));
    }

    [Fact]
    public void Render_EmptySystemMessage_IsLeftOut()
    {
        const string messages = """[{"role":"system","content":""},{"role":"user","content":"Hello!"}]""";

        Assert.Equal("<|user|>\nHello!<|end|>\n<|assistant|>\n", Render(Template, messages, eos: "<|endoftext|>"));
    }
}
