using System.Text.Json;
using LlmServe.Worker.Chat.ToolCalling;

namespace LlmServe.Worker.Tests.Chat.ToolCalling;

public sealed class ToolPromptFallbackTests
{
    private static JsonDocument Request(string messages) =>
        JsonDocument.Parse($$"""{"messages":{{messages}},"tools":{{ChatFixtures.Tools}}}""");

    private static ToolRequest Parse(JsonDocument request) => ToolRequest.Parse(request.RootElement);

    [Fact]
    public void NoTemplate_ToolsBecomeASystemMessageDescribingTheHermesFormat()
    {
        using var request = Request(ChatFixtures.ToolQuestion);

        using var rewritten = ToolPromptFallback.Rewrite(request.RootElement, Parse(request), template: null)!;

        var messages = rewritten.RootElement.GetProperty("messages");
        Assert.Equal("system", messages[0].GetProperty("role").GetString());
        var system = messages[0].GetProperty("content").GetString()!;
        Assert.Contains("\"name\":\"get_weather\"", system);
        Assert.Contains("<tool_call>\n{\"name\": NAME, \"arguments\": ARGUMENTS}\n</tool_call>", system);
        Assert.Equal("What's the weather in Paris?", messages[1].GetProperty("content").GetString());
    }

    [Fact]
    public void NoTemplate_ToolRoundIsWrittenAsHermesText()
    {
        using var request = Request(ChatFixtures.ToolRound);

        using var rewritten = ToolPromptFallback.Rewrite(request.RootElement, Parse(request), template: null)!;

        var messages = rewritten.RootElement.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal("<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\":\"Paris\"}}\n</tool_call>", messages[2].GetProperty("content").GetString());
        Assert.False(messages[2].TryGetProperty("tool_calls", out _));
        Assert.Equal("user", messages[3].GetProperty("role").GetString());
        Assert.Equal("<tool_response>\n22.0\n</tool_response>", messages[3].GetProperty("content").GetString());
    }

    [Fact]
    public void TemplateThatRendersTools_IsLeftAlone()
    {
        using var request = Request(ChatFixtures.ToolRound);

        Assert.Null(ToolPromptFallback.Rewrite(request.RootElement, Parse(request), ChatFixtures.Load("Qwen-Qwen2.5-7B-Instruct.jinja")));
    }

    [Fact]
    public void ToolChoiceNone_DescribesNoTools()
    {
        using var request = JsonDocument.Parse($$"""{"messages":{{ChatFixtures.ToolQuestion}},"tools":{{ChatFixtures.Tools}},"tool_choice":"none"}""");

        Assert.Null(ToolPromptFallback.Rewrite(request.RootElement, Parse(request), template: null));
    }
}
