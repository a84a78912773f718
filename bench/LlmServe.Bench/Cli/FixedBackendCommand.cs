using System.CommandLine;
using LlmServe.Bench.Proxy;

namespace LlmServe.Bench.Cli;

/// <summary><c>fixed-backend --port N</c>: the fixed-response upstream of the <c>gateway</c> benchmark, as its own process.</summary>
internal static class FixedBackendCommand
{
    public static Command Create()
    {
        var port = new Option<int>("--port") { Description = "Loopback port to listen on", Required = true };
        var command = new Command("fixed-backend", "Serve one fixed chat completion for every request (the proxy benchmark's upstream).") { port };
        command.SetAction((r, cancellationToken) => FixedBackend.RunAsync(r.GetValue(port), cancellationToken));
        return command;
    }
}
