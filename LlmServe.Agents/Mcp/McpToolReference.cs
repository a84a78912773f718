using System.Diagnostics.CodeAnalysis;

namespace LlmServe.Agents.Mcp;

/// <summary>
/// An agent's tool entry that names MCP tools: <c>mcp:SERVER</c> (every tool of the server) or
/// <c>mcp:SERVER/TOOL</c> (one tool). <see cref="Tool"/> is null for the whole server.
/// </summary>
internal sealed record McpToolReference(string Server, string? Tool)
{
    public const string Prefix = "mcp:";

    public static bool TryParse(string entry, [NotNullWhen(true)] out McpToolReference? reference)
    {
        reference = null;
        if (!entry.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }
        var rest = entry[Prefix.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var server = slash < 0 ? rest : rest[..slash];
        var tool = slash < 0 ? null : rest[(slash + 1)..];
        if (server.Length == 0 || tool is { Length: 0 })
        {
            return false;
        }
        reference = new McpToolReference(server, tool);
        return true;
    }
}
