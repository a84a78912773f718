using System.Text.Json;
using LlmServe.Agents.Agents;
using LlmServe.ServiceDefaults.OpenAi;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LlmServe.Agents.Apis;

/// <summary>The agent endpoints: <c>GET /v1/agents</c> and <c>POST /v1/agents/{name}/invoke</c> (JSON, or events with <c>"stream": true</c>).</summary>
internal static class AgentsApi
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

    public static async Task<Results<Ok<AgentInvokeResponse>, JsonHttpResult<OpenAiErrorBody>, AgentRunStream>> InvokeAsync(
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

        if (invoke.Stream)
        {
            return new AgentRunStream(agent, invoke, services);
        }
        try
        {
            return TypedResults.Ok(ToResponse(await services.Runner.InvokeAsync(agent, invoke.Input, invoke.MaxTokens, cancellationToken)));
        }
        catch (Exception ex) when (AgentRunFailures.ToError(ex, agent.Name, "input", services.Logger) is { } failure)
        {
            return failure;
        }
    }

    public static AgentInvokeResponse ToResponse(AgentRun run) => new(run.Agent, run.Model, run.Output,
        [.. run.Steps.Select(s => new AgentStepResponse(s.Kind, s.DurationMs, s.Tool, s.Kind == AgentStep.ToolCall ? s.Failed : null, s.Result))],
        run.StopReason);
}
