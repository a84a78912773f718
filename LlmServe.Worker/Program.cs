using LlmServe.Worker;

var builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddCommandLine(args, WorkerCommandLine.SwitchMappings);
builder.AddServiceDefaults();
builder.AddWorkerServices();

var app = builder.Build();
app.MapWorkerApi();
app.Run();

/// <summary>Entry point, visible to the test host.</summary>
public partial class Program;
