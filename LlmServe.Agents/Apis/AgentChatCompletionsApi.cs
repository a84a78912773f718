using System.Text.Json;
using LlmServe.Agents.Agents;
using LlmServe.ServiceDefaults.OpenAi;
using Microsoft.AspNetCore.Http.Features;

namespace LlmServe.Agents.Apis;

/// <summary>
/// <c>POST /v1/chat/completions</c> for models named <c>agent/NAME</c>, so any OpenAI client (through the gateway,
/// which routes those names here) can talk to an agent. The agent runs to its final answer first; a streaming
/// request then gets that answer as one content chunk, because tool steps have no text to stream.
/// </summary>
internal static class AgentChatCompletionsApi
{
    public static IEndpointRouteBuilder MapAgentChatCompletionsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/chat/completions", HandleAsync);
        return app;
    }

    private static async Task<IResult> HandleAsync(HttpContext context, [AsParameters] AgentsServices services, CancellationToken cancellationToken)
    {
        AgentChatRequest request;
        try
        {
            using var document = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: cancellationToken);
            request = AgentChatRequest.Parse(document.RootElement);
        }
        catch (JsonException ex)
        {
            return ApiErrors.BadRequest($"The request body is not valid JSON: {ex.Message}");
        }
        catch (AgentRequestException ex)
        {
            return ApiErrors.BadRequest(ex.Message, ex.Param);
        }
        if (services.Catalog.Find(request.AgentName) is not { } agent)
        {
            return OpenAiError.ModelNotFound(request.Model, services.Catalog.All.Select(a => AgentChatRequest.ModelPrefix + a.Name));
        }
        AgentRun run;
        try
        {
            run = await services.Runner.InvokeAsync(agent, request.Conversation, request.MaxTokens, cancellationToken);
        }
        catch (Exception ex) when (AgentRunFailures.ToError(ex, agent.Name, "messages", services.Logger) is { } failure)
        {
            return failure;
        }
        var id = $"chatcmpl-agent-{Guid.NewGuid():N}";
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        if (!request.Stream)
        {
            return TypedResults.Json(new
            {
                id, @object = "chat.completion", created, model = request.Model,
                choices = new[] { new { index = 0, message = new { role = "assistant", content = run.Output }, finish_reason = "stop" } },
            });
        }
        await StreamAsync(context, id, created, request.Model, run.Output, cancellationToken);
        return Results.Empty;
    }

    private static async Task StreamAsync(HttpContext context, string id, long created, string model, string output, CancellationToken ct)
    {
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        object Chunk(object delta, string? finish) => new
        {
            id, @object = "chat.completion.chunk", created, model, choices = new[] { new { index = 0, delta, finish_reason = finish } },
        };
        foreach (var chunk in new[] { Chunk(new { role = "assistant", content = "" }, null), Chunk(new { content = output }, null), Chunk(new { }, "stop") })
        {
            await context.Response.WriteAsync($"data: {JsonSerializer.Serialize(chunk)}\n\n", ct);
        }
        await context.Response.WriteAsync("data: [DONE]\n\n", ct);
    }
}
