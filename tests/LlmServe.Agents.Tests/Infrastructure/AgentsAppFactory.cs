using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace LlmServe.Agents.Tests.Infrastructure;

/// <summary>
/// The agents service in memory, talking to the gateway at <paramref name="gatewayUrl"/>, with the default
/// <c>assistant</c> agent from appsettings.json plus a <c>storyteller</c> that sets a temperature.
/// </summary>
internal sealed class AgentsAppFactory(string gatewayUrl = "http://127.0.0.1:9") : WebApplicationFactory<Program>
{
    public const string StorytellerInstructions = "You tell very short stories for small children.";

    protected override void ConfigureWebHost(IWebHostBuilder builder) => builder
        .UseSetting("Agents:GatewayUrl", gatewayUrl)
        .UseSetting("Agents:Model", "stories")
        .UseSetting("Agents:Agents:1:Name", "storyteller")
        .UseSetting("Agents:Agents:1:Instructions", StorytellerInstructions)
        .UseSetting("Agents:Agents:1:MaxTokens", "32")
        .UseSetting("Agents:Agents:1:Temperature", "0.5");
}
