using System.Diagnostics;
using LlmServe.Agents.Kernel;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.Connectors.OpenAI;
using OpenAI.Chat;

namespace LlmServe.Agents.Agents;

/// <summary>
/// Runs an agent: a chat history of its instructions (system) and the user input goes through the kernel's
/// chat completion service. One model call today; tool calls and step budgets extend the step list later.
/// </summary>
internal sealed class ChatAgentRunner(KernelFactory kernels, AgentsTelemetry telemetry, IOptions<AgentsOptions> options)
{
    public async Task<AgentRun> InvokeAsync(AgentDefinition agent, string input, int? maxTokens, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        // Span name and attributes follow the OpenTelemetry GenAI conventions for agent invocations.
        using var activity = AgentsTelemetry.ActivitySource.StartActivity($"invoke_agent {agent.Name}");
        activity?.SetTag("gen_ai.operation.name", "invoke_agent");
        activity?.SetTag("gen_ai.agent.name", agent.Name);
        activity?.SetTag("gen_ai.request.model", settings.Model);
        var started = Stopwatch.GetTimestamp();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.InvocationTimeout);
        try
        {
            var kernel = kernels.Create();
            var chat = kernel.GetRequiredService<IChatCompletionService>();
            var history = new ChatHistory(agent.Instructions);
            history.AddUserMessage(input);
            var execution = new OpenAIPromptExecutionSettings
            {
                MaxTokens = maxTokens ?? agent.MaxTokens,
                Temperature = agent.Temperature,
            };

            var stepStarted = Stopwatch.GetTimestamp();
            var reply = await chat.GetChatMessageContentAsync(history, execution, kernel, timeout.Token);
            AgentStep[] steps = [new(AgentStep.ModelCall, Stopwatch.GetElapsedTime(stepStarted).TotalMilliseconds)];

            // The connector reports the configured model id; the upstream response names the model that answered.
            var model = (reply.InnerContent as ChatCompletion)?.Model ?? reply.ModelId ?? settings.Model;
            activity?.SetTag("gen_ai.response.model", model);
            activity?.SetTag("llmserve.agent.steps", steps.Length);
            return new AgentRun(agent.Name, model, reply.Content ?? "", steps);
        }
        catch (Exception ex) when (ToUpstreamException(ex, cancellationToken, settings.InvocationTimeout) is { } upstream)
        {
            activity?.AddException(ex).SetStatus(ActivityStatusCode.Error, upstream.Message);
            throw upstream;
        }
        finally
        {
            telemetry.InvocationDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds,
                new KeyValuePair<string, object?>("gen_ai.agent.name", agent.Name));
        }
    }

    /// <summary>Failures that belong to the gateway; null for anything else (including the caller cancelling).</summary>
    private static AgentUpstreamException? ToUpstreamException(Exception ex, CancellationToken callerToken, TimeSpan timeout) => ex switch
    {
        HttpOperationException http => new AgentUpstreamException(
            UpstreamErrors.MessageFrom(http.ResponseContent, http.Message), (int?)http.StatusCode, http),
        HttpRequestException request => new AgentUpstreamException($"The gateway could not be reached: {request.Message}", null, request),
        OperationCanceledException when !callerToken.IsCancellationRequested => new AgentUpstreamException(
            $"The gateway did not answer within {timeout.TotalSeconds:F0} s.", null, ex),
        _ => null,
    };
}
