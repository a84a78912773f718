using System.Text.Json;
using LlmServe.Worker.Chat.Jinja;

namespace LlmServe.Worker.Tests.Chat;

/// <summary>Shared conversations, tools and helpers for rendering the real templates in Chat/Templates.</summary>
internal static class ChatFixtures
{
    public const string User = """[{"role":"user","content":"Hello!"}]""";

    public const string Conversation = """
        [{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"What is 2+2?"},
         {"role":"assistant","content":"4"},{"role":"user","content":"And 3+3?"}]
        """;

    public const string ToolQuestion = """[{"role":"user","content":"What's the weather in Paris?"}]""";

    public const string ToolRound = """
        [{"role":"user","content":"What's the weather in Paris?"},
         {"role":"assistant","content":"","tool_calls":[{"id":"call12345","type":"function","function":{"name":"get_weather","arguments":{"city":"Paris"}}}]},
         {"role":"tool","tool_call_id":"call12345","content":"22.0"}]
        """;

    public const string Tools = """
        [{"type":"function","function":{"name":"get_weather","description":"Get the current weather in a city",
          "parameters":{"type":"object","properties":{"city":{"type":"string","description":"City name"}},"required":["city"]}}}]
        """;

    /// <summary>The tool as Python's <c>json.dumps</c> writes it (what <c>tool | tojson</c> prints).</summary>
    public const string ToolJson =
        "{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"description\": \"Get the current weather in a city\", "
        + "\"parameters\": {\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\", \"description\": \"City name\"}}, "
        + "\"required\": [\"city\"]}}}";

    /// <summary>The tool as <c>tojson(indent=4)</c> prints it.</summary>
    public const string ToolJsonIndented = """
        {
            "type": "function",
            "function": {
                "name": "get_weather",
                "description": "Get the current weather in a city",
                "parameters": {
                    "type": "object",
                    "properties": {
                        "city": {
                            "type": "string",
                            "description": "City name"
                        }
                    },
                    "required": [
                        "city"
                    ]
                }
            }
        }
        """;

    public static ChatTemplate Load(string file) =>
        ChatTemplate.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Chat", "Templates", file)));

    public static string Render(ChatTemplate template, string messages, string? tools = null, bool addGenerationPrompt = true,
        string? bos = null, string? eos = null, IReadOnlyDictionary<string, object?>? extra = null, TimeProvider? clock = null)
    {
        var variables = new Dictionary<string, object?>
        {
            ["messages"] = JsonDocument.Parse(messages).RootElement,
            ["tools"] = tools is null ? null : JsonDocument.Parse(tools).RootElement,
            ["add_generation_prompt"] = addGenerationPrompt,
        };
        if (bos is not null)
        {
            variables["bos_token"] = bos;
        }
        if (eos is not null)
        {
            variables["eos_token"] = eos;
        }
        foreach (var (key, value) in extra ?? new Dictionary<string, object?>())
        {
            variables[key] = value;
        }
        return template.Render(variables, clock ?? new FixedClock(new DateTimeOffset(2024, 7, 26, 9, 30, 0, TimeSpan.Zero)));
    }
}
