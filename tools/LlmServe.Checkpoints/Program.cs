using System.CommandLine;
using LlmServe.Checkpoints.Cli;

var root = new RootCommand("LlmServe checkpoint tools: random-weight checkpoints in Hugging Face and GGUF layouts.")
{
    RandomCommand.Create(),
};
return root.Parse(args).Invoke();
