using LlmServe.Agents.Mcp;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;
using ModelContextProtocol.Server;
using SemanticKernel = Microsoft.SemanticKernel.Kernel;

namespace LlmServe.Agents.Tests.Mcp;

/// <summary>The MCP client against a real MCP server over streamable HTTP (Kestrel on a loopback port).</summary>
public sealed class McpHttpServerTests
{
    [Fact]
    public async Task GetTools_HttpServer_ListsAndCallsItsTool()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await StartServerAsync(ct);
        var url = server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single() + "/mcp";
        await using var connections = new McpServerConnections(
            Options.Create(new AgentsOptions { McpServers = [new McpServerDefinition { Name = "web", Url = url }] }),
            NullLoggerFactory.Instance, TimeProvider.System);

        var tools = await connections.GetToolsAsync("web", ct);
        var kernel = new SemanticKernel();
        var plugin = McpKernelFunctions.CreatePlugin(tools, tools.Tools);
        var result = await kernel.InvokeAsync(plugin["shout"], new KernelArguments { ["text"] = "hi" }, ct);

        Assert.Equal("shout", Assert.Single(tools.Tools).Name);
        Assert.Equal("HI", result.GetValue<string>());
    }

    private static async Task<WebApplication> StartServerAsync(CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddMcpServer().WithHttpTransport()
            .WithTools([McpServerTool.Create((string text) => text.ToUpperInvariant(), new McpServerToolCreateOptions { Name = "shout" })]);
        var app = builder.Build();
        app.MapMcp("/mcp");
        await app.StartAsync(ct);
        return app;
    }
}
