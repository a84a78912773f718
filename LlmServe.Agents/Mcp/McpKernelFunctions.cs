using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using LlmServe.Agents.Agents;
using Microsoft.SemanticKernel;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace LlmServe.Agents.Mcp;

/// <summary>
/// Turns MCP tools into Semantic Kernel functions. The parameters the model sees come from the tool's own JSON
/// schema; a call goes to the server, and a result the server marks as an error is thrown, so the tool filter
/// hands it to the model as a failed tool call like any other tool's exception.
/// </summary>
internal static partial class McpKernelFunctions
{
    /// <summary>A Semantic Kernel plugin named after the server, so the model sees the tools as <c>SERVER-TOOL</c>.</summary>
    public static KernelPlugin CreatePlugin(McpServerTools server, IEnumerable<McpClientTool> tools) =>
        KernelPluginFactory.CreateFromFunctions(server.Server, $"Tools of the MCP server {server.Server}.",
            tools.Select(t => Create(server.Client, t)));

    public static KernelFunction Create(McpClient client, McpClientTool tool)
    {
        var schema = tool.JsonSchema;
        var required = schema.TryGetProperty("required", out var r) && r.ValueKind == JsonValueKind.Array
            ? r.EnumerateArray().Select(e => e.GetString()).ToHashSet() : [];
        var properties = schema.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object
            ? p.EnumerateObject().ToDictionary(e => e.Name, e => e.Value.Clone()) : [];
        var parameters = properties.Select(e => new KernelParameterMetadata(e.Key)
        {
            Description = e.Value.TryGetProperty("description", out var d) ? d.GetString() : null,
            IsRequired = required.Contains(e.Key),
            Schema = KernelJsonSchema.Parse(e.Value.GetRawText()),
        }).ToList();

        async Task<string> CallAsync(KernelArguments arguments, CancellationToken cancellationToken)
        {
            var sent = arguments.ToDictionary(a => a.Key, a => ToJsonValue(a.Value, properties.GetValueOrDefault(a.Key)));
            // The tool filter stops waiting at the tool timeout; cancelling too tells the server to stop working.
            var timeout = AgentInvocation.Current?.ToolTimeout ?? Timeout.InfiniteTimeSpan;
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            bounded.CancelAfter(timeout);
            CallToolResult result;
            try
            {
                result = await client.CallToolAsync(tool.Name, sent, cancellationToken: bounded.Token);
            }
            catch (OperationCanceledException) when (bounded.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"The MCP tool {tool.Name} did not finish within {timeout.TotalSeconds:0.###} s.");
            }
            var text = ResultText(result);
            return result.IsError == true ? throw new InvalidOperationException(text.Length > 0 ? text : $"the tool {tool.Name} failed") : text;
        }

        return KernelFunctionFactory.CreateFromMethod(CallAsync, new KernelFunctionFromMethodOptions
        {
            FunctionName = FunctionName(tool.Name),
            Description = tool.Description,
            Parameters = parameters,
            ReturnParameter = new KernelReturnParameterMetadata { ParameterType = typeof(string) },
        });
    }

    /// <summary>Semantic Kernel allows only letters, digits and '_' in function names; MCP tool names may hold more.</summary>
    public static string FunctionName(string toolName) => InvalidNameCharacters().Replace(toolName, "_");

    /// <summary>
    /// Semantic Kernel hands tool arguments over as strings; the server validates against its schema, so a value the
    /// schema does not type as a string goes back to its JSON form (a number, a boolean, an object).
    /// </summary>
    internal static object? ToJsonValue(object? value, JsonElement? schema)
    {
        if (value is not string text || schema is not { } s || (s.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "string"))
        {
            return value;
        }
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            // Not JSON after all: let the server's validation report it.
            return value;
        }
    }

    /// <summary>The text blocks of a result; the structured content when there is no text.</summary>
    internal static string ResultText(CallToolResult result)
    {
        var text = new StringBuilder();
        foreach (var block in result.Content)
        {
            text.Append(text.Length > 0 ? "\n" : "").Append(block is TextContentBlock t ? t.Text : $"[{block.Type} content]");
        }
        return text.Length == 0 && result.StructuredContent is { } structured ? structured.ToString() : text.ToString();
    }

    [GeneratedRegex("[^A-Za-z0-9_]")]
    private static partial Regex InvalidNameCharacters();
}
