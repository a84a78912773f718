using LlmServe.Rag;
using LlmServe.Rag.Apis;
using LlmServe.ServiceDefaults.OpenAi;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddRagServices();

var app = builder.Build();

app.UseOpenAiErrors();
app.MapRagApi();
app.MapCollectionsApi();
app.MapRagChatCompletions();
app.MapDefaultEndpoints();

app.Run();
