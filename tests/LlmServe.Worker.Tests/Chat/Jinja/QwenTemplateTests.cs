using static LlmServe.Worker.Tests.Chat.ChatFixtures;

namespace LlmServe.Worker.Tests.Chat.Jinja;

/// <summary>Qwen2.5 (default system prompt, tools in the system turn, &lt;tool_call&gt;) and Qwen3 (namespace, reversed
/// scan for the last user query, &lt;think&gt; handling).</summary>
public sealed class QwenTemplateTests
{
    private const string ToolsPreamble =
        "# Tools\n\nYou may call one or more functions to assist with the user query.\n\n"
        + "You are provided with function signatures within <tools></tools> XML tags:\n<tools>\n" + ToolJson + "\n</tools>\n\n"
        + "For each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\n"
        + "<tool_call>\n{\"name\": <function-name>, \"arguments\": <args-json-object>}\n</tool_call><|im_end|>\n";

    private const string ToolRoundTurns =
        "<|im_start|>user\nWhat's the weather in Paris?<|im_end|>\n"
        + "<|im_start|>assistant\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call><|im_end|>\n"
        + "<|im_start|>user\n<tool_response>\n22.0\n</tool_response><|im_end|>\n"
        + "<|im_start|>assistant\n";

    private const string ConversationTurns =
        "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n"
        + "<|im_start|>user\nWhat is 2+2?<|im_end|>\n"
        + "<|im_start|>assistant\n4<|im_end|>\n"
        + "<|im_start|>user\nAnd 3+3?<|im_end|>\n"
        + "<|im_start|>assistant\n";

    private const string Qwen25System = "You are Qwen, created by Alibaba Cloud. You are a helpful assistant.";

    private static readonly Worker.Chat.Jinja.ChatTemplate Qwen25 = Load("Qwen-Qwen2.5-7B-Instruct.jinja");
    private static readonly Worker.Chat.Jinja.ChatTemplate Qwen3 = Load("Qwen-Qwen3-0.6B.jinja");

    [Fact]
    public void RenderQwen25_User_AddsDefaultSystemPrompt()
    {
        Assert.Equal(
            $"<|im_start|>system\n{Qwen25System}<|im_end|>\n<|im_start|>user\nHello!<|im_end|>\n<|im_start|>assistant\n",
            Render(Qwen25, User));
    }

    [Fact]
    public void RenderQwen25_WithoutGenerationPrompt_EndsAfterTheLastTurn()
    {
        Assert.Equal($"<|im_start|>system\n{Qwen25System}<|im_end|>\n<|im_start|>user\nHello!<|im_end|>\n",
            Render(Qwen25, User, addGenerationPrompt: false));
    }

    [Fact]
    public void RenderQwen25_Conversation_RendersEachTurnOnce()
    {
        Assert.Equal(ConversationTurns, Render(Qwen25, Conversation));
    }

    [Fact]
    public void RenderQwen25_Tools_ListsThemInTheSystemTurn()
    {
        Assert.Equal(
            $"<|im_start|>system\n{Qwen25System}\n\n" + ToolsPreamble
            + "<|im_start|>user\nWhat's the weather in Paris?<|im_end|>\n<|im_start|>assistant\n",
            Render(Qwen25, ToolQuestion, Tools));
    }

    [Fact]
    public void RenderQwen25_ToolRound_WritesToolCallAndToolResponse()
    {
        Assert.Equal($"<|im_start|>system\n{Qwen25System}\n\n" + ToolsPreamble + ToolRoundTurns, Render(Qwen25, ToolRound, Tools));
    }

    [Fact]
    public void RenderQwen3_User_HasNoDefaultSystemPrompt()
    {
        Assert.Equal("<|im_start|>user\nHello!<|im_end|>\n<|im_start|>assistant\n", Render(Qwen3, User));
    }

    [Fact]
    public void RenderQwen3_EnableThinkingFalse_AddsEmptyThinkBlock()
    {
        Assert.Equal("<|im_start|>user\nHello!<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n",
            Render(Qwen3, User, extra: new Dictionary<string, object?> { ["enable_thinking"] = false }));
    }

    [Fact]
    public void RenderQwen3_Conversation_RendersEachTurnOnce()
    {
        Assert.Equal(ConversationTurns, Render(Qwen3, Conversation));
    }

    [Fact]
    public void RenderQwen3_ToolRound_WritesToolCallAndToolResponse()
    {
        Assert.Equal("<|im_start|>system\n" + ToolsPreamble + ToolRoundTurns, Render(Qwen3, ToolRound, Tools));
    }

    [Fact]
    public void RenderQwen3_ThinkingAfterLastQuery_KeepsReasoning()
    {
        const string messages = """
            [{"role":"user","content":"Hi"},{"role":"assistant","content":"<think>\nreasoning here\n</think>\n\nHello there"}]
            """;

        Assert.Equal(
            "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<think>\nreasoning here\n</think>\n\nHello there<|im_end|>\n",
            Render(Qwen3, messages, addGenerationPrompt: false));
    }

    [Fact]
    public void RenderQwen3_ThinkingBeforeLastQuery_DropsReasoning()
    {
        const string messages = """
            [{"role":"user","content":"Hi"},{"role":"assistant","content":"<think>\nreasoning here\n</think>\n\nHello there"},
             {"role":"user","content":"Again"}]
            """;

        Assert.Equal(
            "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello there<|im_end|>\n"
            + "<|im_start|>user\nAgain<|im_end|>\n<|im_start|>assistant\n",
            Render(Qwen3, messages));
    }
}
