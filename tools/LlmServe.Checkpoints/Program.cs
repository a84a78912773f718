using System.CommandLine;
using LlmServe.Checkpoints.MiniLm;

var root = new RootCommand("LlmServe checkpoint tools: write and convert Hugging Face-layout checkpoints.");
root.Add(ConvertMiniLmCommand.Create());
return root.Parse(args).Invoke();
