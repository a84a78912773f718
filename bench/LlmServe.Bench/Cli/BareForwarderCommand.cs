using System.CommandLine;
using LlmServe.Bench.Proxy;

namespace LlmServe.Bench.Cli;

/// <summary><c>bare-forwarder --port N --upstream URL</c>: YARP's forwarder alone, the gateway benchmark's floor, as its own process.</summary>
internal static class BareForwarderCommand
{
    public static Command Create()
    {
        var port = new Option<int>("--port") { Description = "Loopback port to listen on", Required = true };
        var upstream = new Option<string>("--upstream") { Description = "The server every request goes to", Required = true };
        var command = new Command("bare-forwarder", "Forward every request to one upstream with YARP and nothing else (the proxy benchmark's floor).")
        {
            port, upstream,
        };
        command.SetAction((r, cancellationToken) => BareForwarder.RunAsync(r.GetValue(port), new Uri(r.GetValue(upstream)!), cancellationToken));
        return command;
    }
}
