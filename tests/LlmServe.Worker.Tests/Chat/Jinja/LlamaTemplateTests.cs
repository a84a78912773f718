using static LlmServe.Worker.Tests.Chat.ChatFixtures;

namespace LlmServe.Worker.Tests.Chat.Jinja;

/// <summary>
/// Llama 3.1/3.3 (one template: fixed date, builtin tools) and Llama 3.2 (date from <c>strftime_now</c>); both put
/// custom tools in the first user message unless <c>tools_in_user_message</c> is false.
/// </summary>
public sealed class LlamaTemplateTests
{
    private const string Bos = "<|begin_of_text|>";
    private const string Header = "<|start_header_id|>system<|end_header_id|>\n\n";
    private const string Assistant = "<|start_header_id|>assistant<|end_header_id|>\n\n";
    private const string Dates = "Cutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n";

    private const string ToolsInUserTurn =
        "<|start_header_id|>user<|end_header_id|>\n\n"
        + "Given the following functions, please respond with a JSON for a function call "
        + "with its proper arguments that best answers the given prompt.\n\n"
        + "Respond in the format {\"name\": function name, \"parameters\": dictionary of argument name and its value}."
        + "Do not use variables.\n\n" + ToolJsonIndented + "\n\n" + "What's the weather in Paris?<|eot_id|>";

    private static readonly Worker.Chat.Jinja.ChatTemplate Llama31 = Load("meta-llama-Llama-3.3-70B-Instruct.jinja");
    private static readonly Worker.Chat.Jinja.ChatTemplate Llama32 = Load("meta-llama-Llama-3.2-3B-Instruct.jinja");

    [Fact]
    public void RenderLlama31_User_WritesSystemHeaderWithDates()
    {
        Assert.Equal(
            Bos + Header + Dates + "<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nHello!<|eot_id|>" + Assistant,
            Render(Llama31, User, bos: Bos));
    }

    [Fact]
    public void RenderLlama31_WithoutGenerationPrompt_EndsAfterTheLastTurn()
    {
        Assert.Equal(
            Bos + Header + Dates + "<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nHello!<|eot_id|>",
            Render(Llama31, User, addGenerationPrompt: false, bos: Bos));
    }

    [Fact]
    public void RenderLlama31_Conversation_PutsTheSystemMessageAfterTheDates()
    {
        Assert.Equal(
            Bos + Header + Dates + "You are a helpful assistant.<|eot_id|>"
            + "<|start_header_id|>user<|end_header_id|>\n\nWhat is 2+2?<|eot_id|>"
            + "<|start_header_id|>assistant<|end_header_id|>\n\n4<|eot_id|>"
            + "<|start_header_id|>user<|end_header_id|>\n\nAnd 3+3?<|eot_id|>" + Assistant,
            Render(Llama31, Conversation, bos: Bos));
    }

    [Fact]
    public void RenderLlama31_Tools_PutsThemInTheFirstUserMessage()
    {
        Assert.Equal(
            Bos + Header + "Environment: ipython\n" + Dates + "<|eot_id|>" + ToolsInUserTurn + Assistant,
            Render(Llama31, ToolQuestion, Tools, bos: Bos));
    }

    [Fact]
    public void RenderLlama31_ToolRound_WritesJsonCallAndIpythonResult()
    {
        // A string tool result is "iterable", so the template passes it through tojson and it arrives quoted.
        Assert.Equal(
            Bos + Header + "Environment: ipython\n" + Dates + "<|eot_id|>" + ToolsInUserTurn
            + Assistant + "{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Paris\"}}<|eot_id|>"
            + "<|start_header_id|>ipython<|end_header_id|>\n\n\"22.0\"<|eot_id|>" + Assistant,
            Render(Llama31, ToolRound, Tools, bos: Bos));
    }

    [Fact]
    public void RenderLlama31_BuiltinTools_ListsThemExceptCodeInterpreter()
    {
        var extra = new Dictionary<string, object?> { ["builtin_tools"] = new[] { "brave_search", "code_interpreter", "wolfram_alpha" } };

        Assert.Equal(
            Bos + Header + "Environment: ipython\nTools: brave_search, wolfram_alpha\n\n" + Dates
            + "<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nHello!<|eot_id|>" + Assistant,
            Render(Llama31, User, bos: Bos, extra: extra));
    }

    [Fact]
    public void RenderLlama32_User_TakesTodaysDateFromTheClock()
    {
        var clock = new FixedClock(new DateTimeOffset(2025, 3, 5, 23, 0, 0, TimeSpan.Zero));

        Assert.Equal(
            Bos + Header + "Cutting Knowledge Date: December 2023\nToday Date: 05 Mar 2025\n\n"
            + "<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nHello!<|eot_id|>" + Assistant,
            Render(Llama32, User, bos: Bos, clock: clock));
    }

    [Fact]
    public void RenderLlama32_ToolRound_WritesJsonCallAndIpythonResult()
    {
        Assert.Equal(
            Bos + Header + "Environment: ipython\n" + Dates + "<|eot_id|>" + ToolsInUserTurn
            + Assistant + "{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Paris\"}}<|eot_id|>"
            + "<|start_header_id|>ipython<|end_header_id|>\n\n\"22.0\"<|eot_id|>" + Assistant,
            Render(Llama32, ToolRound, Tools, bos: Bos));
    }

    [Fact]
    public void RenderLlama32_ToolsInSystemMessage_ListsThemBeforeTheSystemText()
    {
        var extra = new Dictionary<string, object?> { ["tools_in_user_message"] = false };

        Assert.Equal(
            Bos + Header + "Environment: ipython\n" + Dates
            + "You have access to the following functions. To call a function, please respond with JSON for a function call."
            + "Respond in the format {\"name\": function name, \"parameters\": dictionary of argument name and its value}."
            + "Do not use variables.\n\n" + ToolJsonIndented + "\n\n<|eot_id|>"
            + "<|start_header_id|>user<|end_header_id|>\n\nWhat's the weather in Paris?<|eot_id|>" + Assistant,
            Render(Llama32, ToolQuestion, Tools, bos: Bos, extra: extra));
    }

    [Fact]
    public void RenderLlama32_TwoToolCallsInOneMessage_RaisesTheTemplatesError()
    {
        const string messages = """
            [{"role":"user","content":"Hi"},{"role":"assistant","tool_calls":[
              {"type":"function","function":{"name":"a","arguments":{}}},{"type":"function","function":{"name":"b","arguments":{}}}]}]
            """;

        var ex = Assert.Throws<Worker.Chat.Jinja.ChatTemplateException>(() => Render(Llama32, messages, bos: Bos));

        Assert.True(ex.RaisedByTemplate);
        Assert.Equal("This model only supports single tool-calls at once!", ex.Message);
    }
}
