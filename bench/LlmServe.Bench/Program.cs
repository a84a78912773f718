using System.CommandLine;
using LlmServe.Bench.Cli;

namespace LlmServe.Bench;

// NOTE: a namespaced entry point rather than top-level statements, like the checkpoints tool it references, so the
// two assemblies never both declare a global Program.
internal static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("LlmServe benchmarks: the Worker against llama.cpp (LLamaSharp) on the same random checkpoint.")
        {
            WorkerCommand.Create(),
            LoadTimeCommand.Create(),
            VectorsCommand.Create(),
            GatewayCommand.Create(),
            OverloadCommand.Create(),
            FixedBackendCommand.Create(),
            BareForwarderCommand.Create(),
            ConstrainedCommand.Create(),
        };
        return root.Parse(args).Invoke();
    }
}
