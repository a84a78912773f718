using static LlmServe.Worker.Tests.Chat.ChatFixtures;

namespace LlmServe.Worker.Tests.Chat.Jinja;

/// <summary>Mistral Nemo: [INST] turns, the system message merged into the last user turn, tools before the last
/// user message, [TOOL_CALLS]/[TOOL_RESULTS], and raise_exception on bad role order or tool call ids.</summary>
public sealed class MistralTemplateTests
{
    private const string AvailableTools =
        "[AVAILABLE_TOOLS][{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", "
        + "\"description\": \"Get the current weather in a city\", \"parameters\": {\"type\": \"object\", "
        + "\"properties\": {\"city\": {\"type\": \"string\", \"description\": \"City name\"}}, \"required\": [\"city\"]}}}]"
        + "[/AVAILABLE_TOOLS]";

    private static readonly Worker.Chat.Jinja.ChatTemplate Template = Load("mistralai-Mistral-Nemo-Instruct-2407.jinja");

    [Fact]
    public void Render_User_WritesBosAndInstTurn()
    {
        Assert.Equal("<s>[INST]Hello![/INST]", Render(Template, User, bos: "<s>", eos: "</s>"));
    }

    [Fact]
    public void Render_WithoutGenerationPrompt_IsTheSameBecauseTheTemplateIgnoresIt()
    {
        Assert.Equal("<s>[INST]Hello![/INST]", Render(Template, User, addGenerationPrompt: false, bos: "<s>", eos: "</s>"));
    }

    [Fact]
    public void Render_Conversation_MergesSystemIntoTheLastUserTurn()
    {
        Assert.Equal(
            "<s>[INST]What is 2+2?[/INST]4</s>[INST]You are a helpful assistant.\n\nAnd 3+3?[/INST]",
            Render(Template, Conversation, bos: "<s>", eos: "</s>"));
    }

    [Fact]
    public void Render_Tools_ListsThemBeforeTheLastUserMessage()
    {
        Assert.Equal("<s>" + AvailableTools + "[INST]What's the weather in Paris?[/INST]",
            Render(Template, ToolQuestion, Tools, bos: "<s>", eos: "</s>"));
    }

    [Fact]
    public void Render_ToolRound_WritesToolCallsAndToolResults()
    {
        Assert.Equal(
            "<s>" + AvailableTools + "[INST]What's the weather in Paris?[/INST]"
            + "[TOOL_CALLS][{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}, \"id\": \"call12345\"}]</s>"
            + "[TOOL_RESULTS]{\"content\": 22.0, \"call_id\": \"call12345\"}[/TOOL_RESULTS]",
            Render(Template, ToolRound, Tools, bos: "<s>", eos: "</s>"));
    }

    [Fact]
    public void Render_RolesOutOfOrder_RaisesTheTemplatesMessage()
    {
        const string messages = """[{"role":"assistant","content":"x"},{"role":"user","content":"y"}]""";

        var ex = Assert.Throws<Worker.Chat.Jinja.ChatTemplateException>(() => Render(Template, messages, bos: "<s>", eos: "</s>"));

        Assert.True(ex.RaisedByTemplate);
        Assert.Equal("After the optional system message, conversation roles must alternate user/assistant/user/assistant/...", ex.Message);
    }

    [Fact]
    public void Render_ToolCallIdOfWrongLength_RaisesTheTemplatesMessage()
    {
        var messages = ToolRound.Replace("call12345", "call1", StringComparison.Ordinal);

        var ex = Assert.Throws<Worker.Chat.Jinja.ChatTemplateException>(() => Render(Template, messages, Tools, bos: "<s>", eos: "</s>"));

        Assert.Equal("Tool call IDs should be alphanumeric strings with length 9!", ex.Message);
    }
}
