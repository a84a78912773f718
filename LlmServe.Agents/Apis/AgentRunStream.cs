using System.Text.Json;
using System.Threading.Channels;
using LlmServe.Agents.Agents;
using LlmServe.ServiceDefaults.OpenAi;
using Microsoft.AspNetCore.Http.Features;

namespace LlmServe.Agents.Apis;

/// <summary>
/// A streamed invocation (<c>"stream": true</c>): server-sent events for each step as it happens, then the answer
/// text, then the whole run with its <c>stop_reason</c>, then <c>data: [DONE]</c>. A failure after the stream began
/// can no longer change the status code, so it arrives as an <c>error</c> event in the OpenAI error shape.
/// </summary>
internal sealed partial class AgentRunStream(AgentDefinition agent, AgentInvokeRequest request, AgentsServices services) : IResult
{
    public const string OutputDelta = "agent.output.delta";
    public const string RunCompleted = "agent.run.completed";
    public const string Error = "error";

    public async Task ExecuteAsync(HttpContext context)
    {
        var ct = context.RequestAborted;
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        // Headers go out now, so the client knows the run started before the first model call returns.
        await context.Response.StartAsync(ct);

        var events = Channel.CreateUnbounded<AgentRunEvent>(new UnboundedChannelOptions { SingleReader = true });
        var run = RunAsync(events.Writer, ct);
        await foreach (var step in events.Reader.ReadAllAsync(ct))
        {
            await WriteAsync(context.Response, step.Type, step, ct);
        }
        try
        {
            var result = await run;
            // The model calls are not streamed token by token, so the answer is one delta.
            await WriteAsync(context.Response, OutputDelta, new { type = OutputDelta, delta = result.Output }, ct);
            await WriteAsync(context.Response, RunCompleted,
                new { type = RunCompleted, stop_reason = result.StopReason, run = AgentsApi.ToResponse(result) }, ct);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            var error = AgentRunFailures.ToError(ex, agent.Name, "input", services.Logger)?.Value;
            if (error is null)
            {
                LogStreamFailed(services.Logger, ex, agent.Name);
                error = new OpenAiErrorBody(new OpenAiErrorDetail("The server had an error while processing your request.", OpenAiError.Server, null, null));
            }
            await WriteAsync(context.Response, Error, error, ct);
        }
        await context.Response.WriteAsync("data: [DONE]\n\n", ct);
    }

    private async Task<AgentRun> RunAsync(ChannelWriter<AgentRunEvent> events, CancellationToken ct)
    {
        try
        {
            return await services.Runner.InvokeAsync(agent, request.Input, request.MaxTokens, ct, e => events.TryWrite(e));
        }
        finally
        {
            events.Complete();
        }
    }

    private static Task WriteAsync(HttpResponse response, string type, object data, CancellationToken ct) =>
        response.WriteAsync($"event: {type}\ndata: {JsonSerializer.Serialize(data)}\n\n", ct);

    [LoggerMessage(Level = LogLevel.Error, Message = "Agent {Agent} failed in a streamed invocation")]
    private static partial void LogStreamFailed(ILogger logger, Exception exception, string agent);
}
