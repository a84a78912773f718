using System.Text.Json;
using LlmServe.Worker.Api;

namespace LlmServe.Worker.Chat.ToolCalling;

/// <summary>One function the caller offers the model: its name and JSON-schema parameters (null: any object).</summary>
internal sealed record ToolFunction(string Name, JsonElement? Parameters);

/// <summary>OpenAI's <c>tool_choice</c>: none, auto, required, or one named function.</summary>
internal enum ToolChoiceMode
{
    None,
    Auto,
    Required,
    Named,
}

/// <summary>
/// A chat request's <c>tools</c>, <c>tool_choice</c> and <c>parallel_tool_calls</c>, validated. As in OpenAI's API,
/// the choice defaults to auto when tools are given and to none otherwise.
/// </summary>
internal sealed record ToolRequest(IReadOnlyList<ToolFunction> Tools, ToolChoiceMode Choice, string? NamedFunction, bool Parallel)
{
    public static readonly ToolRequest NoTools = new([], ToolChoiceMode.None, null, true);

    /// <summary>True when the output may hold tool calls to parse.</summary>
    public bool ParsesCalls => Choice != ToolChoiceMode.None && Tools.Count > 0;

    /// <summary>True when the output must be tool calls, so generation is constrained to them.</summary>
    public bool ForcesCalls => Choice is ToolChoiceMode.Required or ToolChoiceMode.Named;

    /// <summary>The functions a forced call may name: the named one, or all of them.</summary>
    public IReadOnlyList<ToolFunction> Callable => Choice == ToolChoiceMode.Named ? Tools.Where(t => t.Name == NamedFunction).ToList() : Tools;

    public static ToolRequest Parse(JsonElement root)
    {
        var tools = ReadTools(root);
        var parallel = JsonFields.OptionalBool(root, "parallel_tool_calls", true);
        if (JsonFields.IsAbsent(root, "tool_choice", out var choice))
        {
            return new ToolRequest(tools, tools.Count > 0 ? ToolChoiceMode.Auto : ToolChoiceMode.None, null, parallel);
        }
        if (choice.ValueKind == JsonValueKind.String)
        {
            var mode = choice.GetString() switch
            {
                "none" => ToolChoiceMode.None,
                "auto" => ToolChoiceMode.Auto,
                "required" => ToolChoiceMode.Required,
                _ => throw new RequestValidationException("tool_choice", "'tool_choice' must be \"none\", \"auto\", \"required\" or {\"type\":\"function\",\"function\":{\"name\":...}}."),
            };
            if (mode == ToolChoiceMode.Required && tools.Count == 0)
            {
                throw new RequestValidationException("tool_choice", "'tool_choice' \"required\" needs at least one tool in 'tools'.");
            }
            return new ToolRequest(tools, mode, null, parallel);
        }
        var name = choice.ValueKind == JsonValueKind.Object && choice.TryGetProperty("function", out var f) && f.ValueKind == JsonValueKind.Object
                   && f.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : null;
        if (name is null)
        {
            throw new RequestValidationException("tool_choice", "'tool_choice' must be \"none\", \"auto\", \"required\" or {\"type\":\"function\",\"function\":{\"name\":...}}.");
        }
        if (tools.All(t => t.Name != name))
        {
            throw new RequestValidationException("tool_choice", $"'tool_choice' names the function '{name}', which is not in 'tools'.");
        }
        return new ToolRequest(tools, ToolChoiceMode.Named, name, parallel);
    }

    private static List<ToolFunction> ReadTools(JsonElement root)
    {
        var result = new List<ToolFunction>();
        if (JsonFields.IsAbsent(root, "tools", out var tools))
        {
            return result;
        }
        if (tools.ValueKind != JsonValueKind.Array)
        {
            throw new RequestValidationException("tools", "'tools' must be an array.");
        }
        var index = 0;
        foreach (var tool in tools.EnumerateArray())
        {
            var param = $"tools[{index++}]";
            if (tool.ValueKind != JsonValueKind.Object || !tool.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String
                || type.GetString() != "function" || !tool.TryGetProperty("function", out var function) || function.ValueKind != JsonValueKind.Object)
            {
                throw new RequestValidationException(param, $"'{param}' must be {{\"type\":\"function\",\"function\":{{...}}}}.");
            }
            if (!function.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String || name.GetString() is not { Length: > 0 } n)
            {
                throw new RequestValidationException($"{param}.function.name", $"'{param}.function.name' must be a non-empty string.");
            }
            if (result.Any(t => t.Name == n))
            {
                throw new RequestValidationException($"{param}.function.name", $"The function name '{n}' appears twice in 'tools'.");
            }
            JsonElement? parameters = null;
            if (!JsonFields.IsAbsent(function, "parameters", out var p))
            {
                parameters = p.ValueKind == JsonValueKind.Object ? p.Clone()
                    : throw new RequestValidationException($"{param}.function.parameters", $"'{param}.function.parameters' must be a JSON schema object.");
            }
            result.Add(new ToolFunction(n, parameters));
        }
        return result;
    }
}
