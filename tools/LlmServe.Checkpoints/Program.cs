using System.CommandLine;
using LlmServe.Checkpoints.Cli;
using LlmServe.Checkpoints.MiniLm;

namespace LlmServe.Checkpoints;

// NOTE: a namespaced entry point instead of top-level statements: the test project references both this tool and
// the Worker, and two global "Program" types would collide there.
internal static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("LlmServe checkpoint tools: random-weight checkpoints in Hugging Face and GGUF layouts, and model conversion.")
        {
            RandomCommand.Create(),
            ConvertMiniLmCommand.Create(),
        };
        return root.Parse(args).Invoke();
    }
}
