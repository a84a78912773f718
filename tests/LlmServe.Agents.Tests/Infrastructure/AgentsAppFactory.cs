using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace LlmServe.Agents.Tests.Infrastructure;

/// <summary>
/// The agents service in memory, talking to the gateway at <paramref name="gatewayUrl"/>, with the default
/// agents from appsettings.json (assistant, calculator, researcher) plus a <c>storyteller</c> that sets a temperature,
/// and any further <paramref name="settings"/> (configuration keys such as <c>Agents:McpServers:0:Name</c>).
/// </summary>
internal sealed class AgentsAppFactory(string gatewayUrl = "http://127.0.0.1:9", IReadOnlyDictionary<string, string?>? settings = null)
    : WebApplicationFactory<Program>
{
    public const string StorytellerInstructions = "You tell very short stories for small children.";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder
            .UseSetting("Agents:GatewayUrl", gatewayUrl)
            .UseSetting("Agents:Model", "stories")
            .UseSetting("Agents:Agents:3:Name", "storyteller")
            .UseSetting("Agents:Agents:3:Instructions", StorytellerInstructions)
            .UseSetting("Agents:Agents:3:MaxTokens", "32")
            .UseSetting("Agents:Agents:3:Temperature", "0.5");
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }
    }
}
