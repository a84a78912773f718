using LlmServe.Gateway.Apis;
using LlmServe.Gateway.Autoscaling;
using LlmServe.Gateway.Auth;
using LlmServe.Gateway.Extensions;
using LlmServe.ServiceDefaults.OpenAi;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddGatewayServices();

var app = builder.Build();

app.UseOpenAiErrors();
app.UseMiddleware<ApiKeyMiddleware>();

app.MapChatCompletionsApi();
app.MapCompletionsApi();
app.MapEmbeddingsApi();
app.MapScoreApi();
app.MapModelsApi();
app.MapAutoscalerApi();
app.MapAdminApi();
app.MapDefaultEndpoints();

app.Run();
