using LlmServe.Worker;

args = WorkerCommandLine.Normalize(args);
if (WorkerCommandLine.Unrecognized(args) is [_, ..] unknown)
{
    // argparse's wording and exit code, as vLLM's own command line answers.
    Console.Error.WriteLine($"error: unrecognized arguments: {string.Join(' ', unknown)} (known: {string.Join(", ", WorkerCommandLine.SwitchMappings.Keys)})");
    return 2;
}

var builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddCommandLine(args, WorkerCommandLine.SwitchMappings);
builder.AddServiceDefaults();
builder.AddWorkerServices();

var app = builder.Build();
app.MapWorkerApi();
app.Run();
return 0;

/// <summary>Entry point, visible to the test host.</summary>
public partial class Program;
