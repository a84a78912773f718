using System.Diagnostics;
using LlmServe.Agents.Kernel;
using LlmServe.Agents.Tools;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.Connectors.OpenAI;
using OpenAI.Chat;

namespace LlmServe.Agents.Agents;

/// <summary>
/// Runs an agent: a chat history of its instructions (system) and the user input goes through the kernel's chat
/// completion service, with the agent's tools offered and auto-invoked by Semantic Kernel, inside the agent's step
/// and time budgets.
/// </summary>
internal sealed class ChatAgentRunner(KernelFactory kernels, AgentTools tools, AgentsTelemetry telemetry, IOptions<AgentsOptions> options)
{
    public Task<AgentRun> InvokeAsync(AgentDefinition agent, string input, int? maxTokens, CancellationToken cancellationToken,
        Action<AgentRunEvent>? observer = null) =>
        InvokeAsync(agent, [new ConversationMessage(AuthorRole.User, input)], maxTokens, cancellationToken, observer);

    /// <summary>
    /// Runs the agent on a conversation (user and assistant turns) that ends with the user's latest message;
    /// <paramref name="observer"/> hears of each step as it happens.
    /// </summary>
    public async Task<AgentRun> InvokeAsync(AgentDefinition agent, IReadOnlyList<ConversationMessage> conversation, int? maxTokens,
        CancellationToken cancellationToken, Action<AgentRunEvent>? observer = null)
    {
        var settings = options.Value;
        // Span name and attributes follow the OpenTelemetry GenAI conventions for agent invocations.
        using var activity = AgentsTelemetry.ActivitySource.StartActivity($"invoke_agent {agent.Name}");
        activity?.SetTag("gen_ai.operation.name", "invoke_agent");
        activity?.SetTag("gen_ai.agent.name", agent.Name);
        activity?.SetTag("gen_ai.request.model", settings.Model);
        var started = Stopwatch.GetTimestamp();
        var budget = agent.TimeBudget ?? settings.InvocationTimeout;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(budget);
        var invocation = new AgentInvocation(agent, settings.MaxToolResultChars, settings.ToolTimeout) { Observer = observer };
        using var current = invocation.Enter();
        try
        {
            var kernel = kernels.Create();
            await tools.AddToAsync(kernel, agent, timeout.Token);
            var chat = kernel.GetRequiredService<IChatCompletionService>();
            var history = new ChatHistory(agent.Instructions);
            foreach (var message in conversation)
            {
                history.AddMessage(message.Role, message.Content);
            }
            var execution = new OpenAIPromptExecutionSettings
            {
                MaxTokens = maxTokens ?? agent.MaxTokens,
                Temperature = agent.Temperature,
                FunctionChoiceBehavior = ToolChoice(agent),
            };

            var reply = await chat.GetChatMessageContentAsync(history, execution, kernel, timeout.Token);

            // The connector reports the configured model id; the upstream response names the model that answered.
            var model = (reply.InnerContent as ChatCompletion)?.Model ?? reply.ModelId ?? settings.Model;
            var steps = invocation.Steps;
            activity?.SetTag("gen_ai.response.model", model);
            activity?.SetTag("llmserve.agent.steps", steps.Count);
            return new AgentRun(agent.Name, model, reply.Content ?? "", steps,
                invocation.StepLimitReached ? AgentRun.StepLimit : AgentRun.Completed);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            var budgetError = new AgentBudgetException($"Agent `{agent.Name}` exceeded its time budget of {budget.TotalSeconds:0.###} s.", AgentBudgetException.TimeBudget);
            activity?.AddException(ex).SetStatus(ActivityStatusCode.Error, budgetError.Message);
            throw budgetError;
        }
        catch (AgentBudgetException ex)
        {
            activity?.AddException(ex).SetStatus(ActivityStatusCode.Error, ex.Message);
            throw;
        }
        catch (Exception ex) when (ToUpstreamException(ex) is { } upstream)
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

    /// <summary>
    /// No tools: none offered. Otherwise Semantic Kernel invokes the calls itself and feeds results back; one call at
    /// a time, so each is its own traced, budgeted step.
    /// </summary>
    private static FunctionChoiceBehavior? ToolChoice(AgentDefinition agent)
    {
        if (agent.Tools.Count == 0)
        {
            return null;
        }
        var options = new FunctionChoiceBehaviorOptions { AllowParallelCalls = false };
        return agent.ToolChoice == "required"
            ? FunctionChoiceBehavior.Required(autoInvoke: true, options: options)
            : FunctionChoiceBehavior.Auto(autoInvoke: true, options: options);
    }

    /// <summary>Failures that belong to the gateway; null for anything else. The budget exception hides inside SK's wrapping.</summary>
    private static AgentUpstreamException? ToUpstreamException(Exception ex) => ex switch
    {
        HttpOperationException { InnerException: AgentBudgetException } => null,
        HttpOperationException http => new AgentUpstreamException(
            UpstreamErrors.MessageFrom(http.ResponseContent, http.Message), (int?)http.StatusCode, http, UpstreamErrors.CodeFrom(http.ResponseContent)),
        HttpRequestException request => new AgentUpstreamException($"The gateway could not be reached: {request.Message}", null, request),
        _ => null,
    };
}
