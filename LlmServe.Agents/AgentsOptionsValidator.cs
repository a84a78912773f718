using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace LlmServe.Agents;

/// <summary>Rejects settings that would make the service fail later, at a request, rather than at startup.</summary>
internal sealed partial class AgentsOptionsValidator : IValidateOptions<AgentsOptions>
{
    public ValidateOptionsResult Validate(string? name, AgentsOptions options)
    {
        List<string> failures = [];
        if (!Uri.TryCreate(options.GatewayUrl, UriKind.Absolute, out var gateway)
            || (gateway.Scheme != Uri.UriSchemeHttp && gateway.Scheme != Uri.UriSchemeHttps))
        {
            failures.Add($"{nameof(AgentsOptions.GatewayUrl)} must be an absolute http(s) URL; got '{options.GatewayUrl}'.");
        }
        if (string.IsNullOrWhiteSpace(options.Model))
        {
            failures.Add($"{nameof(AgentsOptions.Model)} must not be empty.");
        }
        if (options.InvocationTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{nameof(AgentsOptions.InvocationTimeout)} must be positive; got {options.InvocationTimeout}.");
        }
        if (options.ToolTimeout <= TimeSpan.Zero || options.MaxToolResultChars < 1)
        {
            failures.Add($"{nameof(AgentsOptions.ToolTimeout)} and {nameof(AgentsOptions.MaxToolResultChars)} must be positive.");
        }
        if (!Uri.TryCreate(options.RagUrl, UriKind.Absolute, out _))
        {
            failures.Add($"{nameof(AgentsOptions.RagUrl)} must be an absolute URL; got '{options.RagUrl}'.");
        }
        if (options.Agents.Count == 0)
        {
            failures.Add($"{nameof(AgentsOptions.Agents)} must define at least one agent.");
        }
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < options.Agents.Count; i++)
        {
            var agent = options.Agents[i];
            var prefix = $"{nameof(AgentsOptions.Agents)}[{i}]";
            if (!AgentName().IsMatch(agent.Name))
            {
                failures.Add($"{prefix}.{nameof(AgentDefinition.Name)} must be 1-64 letters, digits, '-' or '_'; got '{agent.Name}'.");
            }
            else if (!seen.Add(agent.Name))
            {
                failures.Add($"{prefix}.{nameof(AgentDefinition.Name)} '{agent.Name}' is defined twice.");
            }
            if (string.IsNullOrWhiteSpace(agent.Instructions))
            {
                failures.Add($"{prefix}.{nameof(AgentDefinition.Instructions)} must not be empty.");
            }
            if (agent.MaxTokens < 1)
            {
                failures.Add($"{prefix}.{nameof(AgentDefinition.MaxTokens)} must be at least 1; got {agent.MaxTokens}.");
            }
            foreach (var tool in agent.Tools.Where(t => !Tools.AgentTools.Names.Contains(t)))
            {
                if (!Mcp.McpToolReference.TryParse(tool, out var reference))
                {
                    failures.Add($"{prefix}.{nameof(AgentDefinition.Tools)} lists '{tool}'; known tools: {string.Join(", ", Tools.AgentTools.Names)}, mcp:SERVER or mcp:SERVER/TOOL.");
                }
                else if (!options.McpServers.Any(s => string.Equals(s.Name, reference.Server, StringComparison.OrdinalIgnoreCase)))
                {
                    failures.Add($"{prefix}.{nameof(AgentDefinition.Tools)} lists '{tool}', but no MCP server named '{reference.Server}' is configured.");
                }
            }
            if (agent.ToolChoice is not ("auto" or "required"))
            {
                failures.Add($"{prefix}.{nameof(AgentDefinition.ToolChoice)} must be auto or required; got '{agent.ToolChoice}'.");
            }
            if (agent.MaxSteps < 1)
            {
                failures.Add($"{prefix}.{nameof(AgentDefinition.MaxSteps)} must be at least 1; got {agent.MaxSteps}.");
            }
            if (agent.TimeBudget <= TimeSpan.Zero)
            {
                failures.Add($"{prefix}.{nameof(AgentDefinition.TimeBudget)} must be positive; got {agent.TimeBudget}.");
            }
            if (agent.Temperature is < 0 or > 2)
            {
                failures.Add($"{prefix}.{nameof(AgentDefinition.Temperature)} must be between 0 and 2; got {agent.Temperature}.");
            }
        }
        ValidateMcpServers(options, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateMcpServers(AgentsOptions options, List<string> failures)
    {
        if (options.McpConnectTimeout <= TimeSpan.Zero || options.McpRetryInterval < TimeSpan.Zero)
        {
            failures.Add($"{nameof(AgentsOptions.McpConnectTimeout)} must be positive and {nameof(AgentsOptions.McpRetryInterval)} not negative.");
        }
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < options.McpServers.Count; i++)
        {
            var server = options.McpServers[i];
            var prefix = $"{nameof(AgentsOptions.McpServers)}[{i}]";
            if (!McpServerName().IsMatch(server.Name))
            {
                failures.Add($"{prefix}.{nameof(McpServerDefinition.Name)} must be 1-64 letters, digits or '_'; got '{server.Name}'.");
            }
            else if (!seen.Add(server.Name))
            {
                failures.Add($"{prefix}.{nameof(McpServerDefinition.Name)} '{server.Name}' is defined twice.");
            }
            var hasCommand = !string.IsNullOrWhiteSpace(server.Command);
            if (hasCommand == (server.Url is not null))
            {
                failures.Add($"{prefix} must set exactly one of {nameof(McpServerDefinition.Command)} (stdio) and {nameof(McpServerDefinition.Url)} (HTTP).");
            }
            else if (server.Url is { } url && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
            {
                failures.Add($"{prefix}.{nameof(McpServerDefinition.Url)} must be an absolute http(s) URL; got '{url}'.");
            }
        }
    }

    // Server names become Semantic Kernel plugin names, which allow no '-': the tools appear as SERVER-TOOL.
    [GeneratedRegex("^[A-Za-z0-9_]{1,64}$")]
    private static partial Regex McpServerName();

    // Names appear in URL paths (/v1/agents/{name}/invoke), so they stay URL-safe.
    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex AgentName();
}
