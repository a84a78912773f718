using LlmServe.Agents;
using LlmServe.Agents.Apis;
using LlmServe.ServiceDefaults.OpenAi;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddAgentsServices();

var app = builder.Build();

app.UseOpenAiErrors();
app.MapAgentsApi();
app.MapAgentChatCompletionsApi();
app.MapDefaultEndpoints();

app.Run();
