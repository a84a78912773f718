using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Client;

namespace LlmServe.Agents.Mcp;

/// <summary>
/// One client per configured MCP server, connected in the background at startup and then kept. A server that is
/// down does not stop the service: it is logged, reported by the health check, and tried again (at most once per
/// <see cref="AgentsOptions.McpRetryInterval"/>) when an agent needs it. A session that ended is replaced the same way.
/// </summary>
internal sealed partial class McpServerConnections(IOptions<AgentsOptions> options, ILoggerFactory loggerFactory, TimeProvider clock)
    : IHostedService, IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, ServerState> _servers = new(StringComparer.OrdinalIgnoreCase);
    private readonly ILogger _logger = loggerFactory.CreateLogger<McpServerConnections>();

    /// <summary>Servers that failed their last connection attempt, with the reason.</summary>
    public IReadOnlyDictionary<string, string> Failures =>
        _servers.Where(s => s.Value.Error is not null).ToDictionary(s => s.Key, s => s.Value.Error!, StringComparer.OrdinalIgnoreCase);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Connecting may take seconds (a stdio server is a process to start): do not hold up the web host.
        foreach (var server in options.Value.McpServers)
        {
            _ = ConnectInBackgroundAsync(server.Name);
        }
        return Task.CompletedTask;
    }

    private async Task ConnectInBackgroundAsync(string serverName)
    {
        try
        {
            await GetToolsAsync(serverName, CancellationToken.None);
        }
        catch (McpServerUnavailableException)
        {
            // Already logged and recorded for the health check; the next agent that needs the server tries again.
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The server's tools, connecting first if needed; throws <see cref="McpServerUnavailableException"/> when it cannot.</summary>
    public async Task<McpServerTools> GetToolsAsync(string serverName, CancellationToken cancellationToken)
    {
        var definition = options.Value.McpServers.FirstOrDefault(s => string.Equals(s.Name, serverName, StringComparison.OrdinalIgnoreCase))
            ?? throw new McpServerUnavailableException($"No MCP server named `{serverName}` is configured.");
        var state = _servers.GetOrAdd(definition.Name, _ => new ServerState());
        await state.Gate.WaitAsync(cancellationToken);
        try
        {
            if (state.Tools is { } tools)
            {
                if (!tools.Client.Completion.IsCompleted)
                {
                    return tools;
                }
                // The session ended (a stdio server exited, an HTTP session was dropped): connect afresh.
                LogSessionEnded(_logger, definition.Name);
                state.Tools = null;
                await DisposeQuietlyAsync(tools.Client);
            }
            if (state.Error is { } error && clock.GetUtcNow() - state.FailedAt < options.Value.McpRetryInterval)
            {
                throw new McpServerUnavailableException($"MCP server `{definition.Name}` is unavailable: {error}");
            }
            try
            {
                state.Tools = await ConnectAsync(definition, cancellationToken);
                state.Error = null;
                LogConnected(_logger, definition.Name, state.Tools.Tools.Count, string.Join(", ", state.Tools.Tools.Select(t => t.Name)));
                return state.Tools;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                state.Error = ex.Message;
                state.FailedAt = clock.GetUtcNow();
                LogConnectFailed(_logger, ex, definition.Name, options.Value.McpRetryInterval.TotalSeconds);
                throw new McpServerUnavailableException($"MCP server `{definition.Name}` is unavailable: {ex.Message}", ex);
            }
        }
        finally
        {
            state.Gate.Release();
        }
    }

    private async Task<McpServerTools> ConnectAsync(McpServerDefinition definition, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.McpConnectTimeout);
        McpClient? client = null;
        try
        {
            client = await McpClient.CreateAsync(CreateTransport(definition), loggerFactory: loggerFactory, cancellationToken: timeout.Token);
            var tools = await client.ListToolsAsync(cancellationToken: timeout.Token);
            return new McpServerTools(definition.Name, client, [.. tools]);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            await DisposeQuietlyAsync(client);
            throw new TimeoutException($"no answer within {options.Value.McpConnectTimeout.TotalSeconds:0.###} s");
        }
        catch
        {
            await DisposeQuietlyAsync(client);
            throw;
        }
    }

    private IClientTransport CreateTransport(McpServerDefinition definition) => definition.Url is { } url
        // AutoDetect tries streamable HTTP first and falls back to SSE for older servers.
        ? new HttpClientTransport(new HttpClientTransportOptions { Name = definition.Name, Endpoint = new Uri(url), TransportMode = HttpTransportMode.AutoDetect }, loggerFactory)
        : new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = definition.Name,
            Command = definition.Command!,
            Arguments = [.. definition.Arguments],
            EnvironmentVariables = definition.Environment.ToDictionary(e => e.Key, string? (e) => e.Value),
        }, loggerFactory);

    private static async Task DisposeQuietlyAsync(McpClient? client)
    {
        if (client is not null)
        {
            await client.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Disposing a stdio client ends the server process it started.
        foreach (var state in _servers.Values)
        {
            await DisposeQuietlyAsync(state.Tools?.Client);
        }
    }

    private sealed class ServerState
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);
        public McpServerTools? Tools { get; set; }
        public string? Error { get; set; }
        public DateTimeOffset FailedAt { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "MCP server {McpServer} connected with {ToolCount} tools: {Tools}")]
    private static partial void LogConnected(ILogger logger, string mcpServer, int toolCount, string tools);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MCP server {McpServer} ended its session; reconnecting")]
    private static partial void LogSessionEnded(ILogger logger, string mcpServer);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MCP server {McpServer} is unavailable; agents that use it get 503 until a retry (after {RetrySeconds} s) succeeds")]
    private static partial void LogConnectFailed(ILogger logger, Exception exception, string mcpServer, double retrySeconds);
}
