using System.Text.Json;
using LlmServe.Worker.Api;
using LlmServe.Worker.Chat;
using LlmServe.Worker.Chat.Jinja;
using LlmServe.Worker.Tokenization;

namespace LlmServe.Worker.Tests.Chat;

public sealed class ChatPromptRendererTests
{
    /// <summary>One id per character, BOS = 1, so tests can read encodings.</summary>
    private sealed class CharTokenizer : ITokenizer
    {
        public int VocabSize => 65536;
        public int? BosId => 1;
        public int? EosId => 2;
        public bool AddBos => true;

        public IReadOnlyList<int> Encode(string text, bool addSpecial) =>
            (addSpecial ? [1] : Array.Empty<int>()).Concat(text.Select(c => (int)c)).ToList();

        public ReadOnlySpan<byte> TokenBytes(int id) => [];

        public bool IsControl(int id) => id < 3;
    }

    private const string ToolRequest = """
        {"model":"m","tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}],
         "messages":[{"role":"user","content":[{"type":"text","text":"What's the weather"},{"type":"text","text":"in Paris?"}]},
                     {"role":"assistant","content":null,"tool_calls":[{"id":"call12345","type":"function",
                       "function":{"name":"get_weather","arguments":"{\"city\": \"Paris\"}"}}]},
                     {"role":"tool","tool_call_id":"call12345","content":"22.0"}]}
        """;

    private static (JsonElement Root, IReadOnlyList<ChatMessage> Messages) Request(string json)
    {
        var root = JsonDocument.Parse(json).RootElement;
        return (root, ChatMessage.ParseAll(root));
    }

    [Fact]
    public void Render_NoTemplate_JoinsContentsWithNewlines()
    {
        var (root, messages) = Request("""{"messages":[{"role":"system","content":"A"},{"role":"user","content":""},{"role":"user","content":"B"}]}""");

        var prompt = ChatPromptRenderer.Render(root, messages, template: null);

        Assert.Equal(new ChatPrompt("A\nB", FromTemplate: false, StartsWithBos: false), prompt);
        Assert.Equal([1, 'A', '\n', 'B'], ChatPromptRenderer.Encode(prompt, new CharTokenizer(), "<s>"));
    }

    [Fact]
    public void Render_Template_PassesRawMessagesToolsAndTokens()
    {
        var template = ChatTemplate.Parse(
            "{{ bos_token }}{% for m in messages %}{{ m.role }}:{{ m.content }}"
            + "{% if m.tool_calls %}={{ m.tool_calls[0].id }} {{ m.tool_calls[0].function.arguments | tojson }}{% endif %}"
            + "{% if m.tool_call_id is defined %}#{{ m.tool_call_id }}{% endif %};{% endfor %}"
            + "{{ tools | length }} {{ add_generation_prompt }}{{ eos_token }}");
        var (root, messages) = Request(ToolRequest);

        var prompt = ChatPromptRenderer.Render(root, messages, template, "<s>", "</s>");

        // Text parts are joined, null content becomes "", and the JSON-string arguments arrive as an object.
        Assert.Equal(
            "<s>user:What's the weather\nin Paris?;assistant:=call12345 {\"city\": \"Paris\"};tool:22.0#call12345;1 True</s>",
            prompt.Text);
        Assert.True(prompt.FromTemplate);
        Assert.True(prompt.StartsWithBos);
    }

    [Fact]
    public void Encode_TemplateWroteBos_AddsTheBosIdOnce()
    {
        var prompt = new ChatPrompt("<s>hi", FromTemplate: true, StartsWithBos: true);

        Assert.Equal([1, 'h', 'i'], ChatPromptRenderer.Encode(prompt, new CharTokenizer(), "<s>"));
    }

    [Fact]
    public void Encode_TemplateWithoutBos_AddsNoSpecialTokens()
    {
        var prompt = new ChatPrompt("hi", FromTemplate: true, StartsWithBos: false);

        Assert.Equal(['h', 'i'], ChatPromptRenderer.Encode(prompt, new CharTokenizer(), "<s>"));
    }

    [Fact]
    public void Render_RealQwenTemplateWithOpenAiToolCall_MatchesTheHuggingFaceRendering()
    {
        var (root, messages) = Request(ToolRequest);

        var prompt = ChatPromptRenderer.Render(root, messages, ChatFixtures.Load("Qwen-Qwen2.5-7B-Instruct.jinja"));

        Assert.EndsWith(
            "<|im_start|>user\nWhat's the weather\nin Paris?<|im_end|>\n"
            + "<|im_start|>assistant\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call><|im_end|>\n"
            + "<|im_start|>user\n<tool_response>\n22.0\n</tool_response><|im_end|>\n<|im_start|>assistant\n",
            prompt.Text, StringComparison.Ordinal);
        Assert.StartsWith("<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.\n\n# Tools\n",
            prompt.Text, StringComparison.Ordinal);
        Assert.False(prompt.StartsWithBos);
    }

    [Fact]
    public void Render_TemplateRaisesException_PropagatesItsMessage()
    {
        var (root, messages) = Request("""{"messages":[{"role":"assistant","content":"x"},{"role":"user","content":"y"}]}""");

        var ex = Assert.Throws<ChatTemplateException>(() =>
            ChatPromptRenderer.Render(root, messages, ChatFixtures.Load("mistralai-Mistral-Nemo-Instruct-2407.jinja"), "<s>", "</s>"));

        Assert.StartsWith("After the optional system message, conversation roles must alternate", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_ToolsNotAnArray_IsAValidationError()
    {
        var (root, messages) = Request("""{"tools":{"a":1},"messages":[{"role":"user","content":"y"}]}""");

        var ex = Assert.Throws<RequestValidationException>(() =>
            ChatPromptRenderer.Render(root, messages, ChatTemplate.Parse("{{ tools }}")));

        Assert.Equal("tools", ex.Param);
    }

    [Fact]
    public void Render_ChatTemplateKwargs_ReachTheTemplate_Qwen3ThinkingOff()
    {
        var template = ChatFixtures.Load("Qwen-Qwen3-0.6B.jinja");
        var (on, messages) = Request("""{"messages":[{"role":"user","content":"Hi"}]}""");
        var (off, _) = Request("""{"messages":[{"role":"user","content":"Hi"}],"chat_template_kwargs":{"enable_thinking":false}}""");

        Assert.EndsWith("<|im_start|>assistant\n", ChatPromptRenderer.Render(on, messages, template).Text);
        Assert.EndsWith("<|im_start|>assistant\n<think>\n\n</think>\n\n", ChatPromptRenderer.Render(off, messages, template).Text);
    }

    [Fact]
    public void Render_ChatTemplateKwargs_CannotReplaceTheMessages()
    {
        var (root, messages) = Request("""{"messages":[{"role":"user","content":"real"}],"chat_template_kwargs":{"messages":[],"extra":"x"}}""");

        var prompt = ChatPromptRenderer.Render(root, messages, ChatTemplate.Parse("{{ messages[0].content }}{{ extra }}"));

        Assert.Equal("realx", prompt.Text);
    }

    [Fact]
    public void Render_ChatTemplateKwargsNotAnObject_IsAValidationError()
    {
        var (root, messages) = Request("""{"messages":[{"role":"user","content":"y"}],"chat_template_kwargs":[1]}""");

        var ex = Assert.Throws<RequestValidationException>(() => ChatPromptRenderer.Render(root, messages, ChatTemplate.Parse("x")));

        Assert.Equal("chat_template_kwargs", ex.Param);
    }

    [Fact]
    public void Render_ContinueFinalMessage_LeavesTheAssistantTurnOpen()
    {
        var template = ChatFixtures.Load("Qwen-Qwen2.5-7B-Instruct.jinja");
        var (root, messages) = Request("""
            {"messages":[{"role":"user","content":"Name a color."},{"role":"assistant","content":"The color is"}],
             "continue_final_message":true,"add_generation_prompt":false}
            """);

        var text = ChatPromptRenderer.Render(root, messages, template).Text;

        Assert.EndsWith("<|im_start|>user\nName a color.<|im_end|>\n<|im_start|>assistant\nThe color is", text);
    }

    [Fact]
    public void Render_AddGenerationPromptFalse_EndsAfterTheLastTurn()
    {
        var template = ChatFixtures.Load("Qwen-Qwen2.5-7B-Instruct.jinja");
        var (root, messages) = Request("""{"messages":[{"role":"user","content":"Hi"}],"add_generation_prompt":false}""");

        Assert.EndsWith("<|im_start|>user\nHi<|im_end|>\n", ChatPromptRenderer.Render(root, messages, template).Text);
    }

    [Theory]
    [InlineData("""{"messages":[{"role":"user","content":"Hi"}],"continue_final_message":true,"add_generation_prompt":true}""")]
    [InlineData("""{"messages":[{"role":"user","content":""}],"continue_final_message":true}""")]
    public void Render_ContinueFinalMessage_BadCombinations_AreValidationErrors(string json)
    {
        var (root, messages) = Request(json);

        var ex = Assert.Throws<RequestValidationException>(() =>
            ChatPromptRenderer.Render(root, messages, ChatFixtures.Load("Qwen-Qwen2.5-7B-Instruct.jinja")));

        Assert.Equal("continue_final_message", ex.Param);
    }
}
