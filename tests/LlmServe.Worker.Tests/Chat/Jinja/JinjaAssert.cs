using System.Text.Json;
using LlmServe.Worker.Chat.Jinja;

namespace LlmServe.Worker.Tests.Chat.Jinja;

/// <summary>Renders a template from inline source, with variables given as one JSON object.</summary>
internal static class JinjaAssert
{
    public static string Render(string source, string variablesJson = "{}")
    {
        var variables = new Dictionary<string, object?>();
        foreach (var property in JsonDocument.Parse(variablesJson).RootElement.EnumerateObject())
        {
            variables[property.Name] = property.Value.Clone();
        }
        return ChatTemplate.Parse(source).Render(variables, new FixedClock(new DateTimeOffset(2024, 7, 26, 9, 30, 0, TimeSpan.Zero)));
    }

    public static ChatTemplateException ParseFails(string source) =>
        Assert.Throws<ChatTemplateException>(() => ChatTemplate.Parse(source));

    public static ChatTemplateException RenderFails(string source, string variablesJson = "{}") =>
        Assert.Throws<ChatTemplateException>(() => Render(source, variablesJson));
}
