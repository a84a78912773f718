using System.Text.Json;
using LlmServe.Agents.Agents;
using LlmServe.Agents.Mcp;
using LlmServe.ServiceDefaults.OpenAi;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LlmServe.Agents.Apis;

/// <summary>The agent endpoints: <c>GET /v1/agents</c> and <c>POST /v1/agents/{name}/invoke</c>.</summary>
internal static partial class AgentsApi
{
    public static IEndpointRouteBuilder MapAgentsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1/agents");
        api.MapGet("/", ListAgents);
        api.MapPost("/{name}/invoke", InvokeAsync);
        return app;
    }

    public static Ok<AgentListResponse> ListAgents([AsParameters] AgentsServices services) =>
        TypedResults.Ok(new AgentListResponse(
            [.. services.Catalog.All.Select(a => new AgentResponse(a.Name, a.Instructions, a.MaxTokens, a.Temperature))]));

    public static async Task<Results<Ok<AgentInvokeResponse>, JsonHttpResult<OpenAiErrorBody>>> InvokeAsync(
        string name, HttpRequest request, [AsParameters] AgentsServices services, CancellationToken cancellationToken)
    {
        if (services.Catalog.Find(name) is not { } agent)
        {
            return ApiErrors.AgentNotFound(name, services.Catalog.All.Select(a => a.Name));
        }
        JsonElement body;
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
            body = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            return ApiErrors.BadRequest($"The request body is not valid JSON: {ex.Message}");
        }
        if (!AgentInvokeParser.TryParse(body, out var invoke, out var error))
        {
            return ApiErrors.BadRequest(error.Message, error.Param);
        }

        try
        {
            var run = await services.Runner.InvokeAsync(agent, invoke.Input, invoke.MaxTokens, cancellationToken);
            return TypedResults.Ok(new AgentInvokeResponse(run.Agent, run.Model, run.Output,
                [.. run.Steps.Select(s => new AgentStepResponse(s.Kind, s.DurationMs, s.Tool, s.Kind == AgentStep.ToolCall ? s.Failed : null, s.Result))],
                run.StopReason));
        }
        catch (AgentBudgetException ex)
        {
            LogBudgetExceeded(services.Logger, agent.Name, ex.Code);
            return ApiErrors.BudgetExceeded(ex.Message, ex.Code);
        }
        catch (McpServerUnavailableException ex)
        {
            return ApiErrors.ToolsUnavailable(ex.Message);
        }
        catch (AgentUpstreamException ex)
        {
            LogUpstreamFailed(services.Logger, ex, agent.Name, ex.UpstreamStatus);
            return ApiErrors.BadGateway($"The gateway failed while running agent `{agent.Name}`: {ex.Message}");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Agent {Agent} stopped: {BudgetCode}")]
    private static partial void LogBudgetExceeded(ILogger logger, string agent, string budgetCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Agent {Agent} failed upstream (status {UpstreamStatus})")]
    private static partial void LogUpstreamFailed(ILogger logger, Exception exception, string agent, int? upstreamStatus);
}
