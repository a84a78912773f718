using System.CommandLine;
using LlmServe.Bench.Setup;
using LlmServe.Checkpoints.Random;

namespace LlmServe.Bench.Cli;

/// <summary>Options both commands take.</summary>
internal sealed class CommonOptions
{
    public Option<bool> Quick { get; } = new("--quick") { Description = "A tiny model and small counts: a smoke run of about a minute." };
    public Option<string> WorkDir { get; } = new("--work-dir") { Description = "Cache of generated checkpoints", DefaultValueFactory = _ => RepoPaths.DefaultWorkDir() };
    public Option<string> Out { get; } = new("--out") { Description = "Folder for NAME.md and NAME.json", DefaultValueFactory = _ => "bench-results" };
    public Option<string?> SummaryFile { get; } = new("--summary") { Description = "Combined results file (default: OUT/results.md)" };
    public Option<string?> WorkerDll { get; } = new("--worker-dll") { Description = "The Worker's DLL (default: this repository's Release, else Debug build)" };
    public Option<CheckpointArchitecture> Arch { get; } = new("--arch") { Description = "Checkpoint architecture", DefaultValueFactory = _ => CheckpointArchitecture.Llama };
    public Option<int> Threads { get; } = new("--threads") { Description = "llama.cpp threads", DefaultValueFactory = _ => Environment.ProcessorCount };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Quick, WorkDir, Out, SummaryFile, WorkerDll, Arch, Threads })
        {
            command.Options.Add(option);
        }
    }

    public BenchCheckpoint Checkpoint(ParseResult r)
    {
        var arch = r.GetValue(Arch);
        var spec = r.GetValue(Quick) ? ModelSize.Tiny(arch) : ModelSize.Qwen05B(arch);
        return BenchCheckpoint.Ensure(spec, r.GetValue(WorkDir)!);
    }

    public string WorkerDllPath(ParseResult r) => r.GetValue(WorkerDll) ?? RepoPaths.WorkerDll();

    public string OutDir(ParseResult r) => Path.GetFullPath(r.GetValue(Out)!);

    public string Summary(ParseResult r) => Path.GetFullPath(r.GetValue(SummaryFile) ?? Path.Combine(OutDir(r), "results.md"));
}
