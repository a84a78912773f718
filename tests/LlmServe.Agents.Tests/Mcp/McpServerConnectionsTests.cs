using LlmServe.Agents.Mcp;
using LlmServe.Agents.Tests.Infrastructure;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;
using SemanticKernel = Microsoft.SemanticKernel.Kernel;

namespace LlmServe.Agents.Tests.Mcp;

/// <summary>The MCP client side against a real MCP server process over stdio: listing, calls through the kernel function adapter, failures.</summary>
public sealed class McpServerConnectionsTests : IAsyncLifetime
{
    private readonly McpServerConnections _connections = Create(McpTestServer.Definition());

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _connections.DisposeAsync();

    [Fact]
    public async Task GetTools_StdioServer_ListsItsToolsWithSchemas()
    {
        var server = await _connections.GetToolsAsync(McpTestServer.Name, TestContext.Current.CancellationToken);

        Assert.Equal(["add", "echo", "exit", "fail", "sleep"], server.Tools.Select(t => t.Name).Order());
        var add = server.Tools.Single(t => t.Name == "add");
        Assert.Equal("Adds two integers.", add.Description);
        Assert.Equal(["a", "b"], add.JsonSchema.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task KernelFunction_StringArgumentsForIntegers_AreSentAsNumbers()
    {
        var (kernel, plugin) = await PluginAsync();

        // Semantic Kernel passes the model's arguments as strings; the server's schema wants integers.
        var result = await kernel.InvokeAsync(plugin["add"], new KernelArguments { ["a"] = "40", ["b"] = "2" }, TestContext.Current.CancellationToken);

        Assert.Equal("42", result.GetValue<string>());
    }

    [Fact]
    public async Task KernelFunction_Echo_SeesTheConfiguredEnvironment()
    {
        var (kernel, plugin) = await PluginAsync();

        var result = await kernel.InvokeAsync(plugin["echo"], new KernelArguments { ["text"] = "hi" }, TestContext.Current.CancellationToken);

        Assert.Equal(McpTestServer.Prefix + "hi", result.GetValue<string>());
    }

    [Fact]
    public async Task KernelFunction_ToolReportsError_Throws()
    {
        var (kernel, plugin) = await PluginAsync();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            kernel.InvokeAsync(plugin["fail"], new KernelArguments(), TestContext.Current.CancellationToken));

        Assert.EndsWith("the fail tool always fails", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetTools_ServerProcessEnded_ConnectsAgain()
    {
        var (kernel, plugin) = await PluginAsync();
        var first = await _connections.GetToolsAsync(McpTestServer.Name, TestContext.Current.CancellationToken);
        await Assert.ThrowsAnyAsync<Exception>(() => kernel.InvokeAsync(plugin["exit"], new KernelArguments(), TestContext.Current.CancellationToken));
        await first.Client.Completion.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        var second = await _connections.GetToolsAsync(McpTestServer.Name, TestContext.Current.CancellationToken);
        var (_, fresh) = await PluginAsync();
        var result = await kernel.InvokeAsync(fresh["add"], new KernelArguments { ["a"] = "1", ["b"] = "2" }, TestContext.Current.CancellationToken);

        Assert.NotSame(first.Client, second.Client);
        Assert.Equal("3", result.GetValue<string>());
    }

    [Fact]
    public async Task GetTools_ServerCannotStart_ThrowsUnavailableAndHealthIsDegraded()
    {
        var definition = McpTestServer.Definition();
        definition.Command = "llmserve-no-such-mcp-server";
        await using var connections = Create(definition);

        var error = await Assert.ThrowsAsync<McpServerUnavailableException>(() =>
            connections.GetToolsAsync(McpTestServer.Name, TestContext.Current.CancellationToken));
        var health = await new McpHealthCheck(connections).CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken);

        Assert.StartsWith($"MCP server `{McpTestServer.Name}` is unavailable:", error.Message, StringComparison.Ordinal);
        Assert.Equal(HealthStatus.Degraded, health.Status);
        Assert.True(health.Data.ContainsKey(McpTestServer.Name));
    }

    private async Task<(SemanticKernel Kernel, KernelPlugin Plugin)> PluginAsync()
    {
        var server = await _connections.GetToolsAsync(McpTestServer.Name, TestContext.Current.CancellationToken);
        var kernel = new SemanticKernel();
        var plugin = McpKernelFunctions.CreatePlugin(server, server.Tools);
        kernel.Plugins.Add(plugin);
        return (kernel, plugin);
    }

    private static McpServerConnections Create(McpServerDefinition definition) =>
        new(Options.Create(new AgentsOptions { McpServers = [definition] }), NullLoggerFactory.Instance, TimeProvider.System);
}
