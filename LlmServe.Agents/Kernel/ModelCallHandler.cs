using System.Diagnostics;
using LlmServe.Agents.Agents;

namespace LlmServe.Agents.Kernel;

/// <summary>
/// Sees every model call an agent makes (each is one request to the gateway, including those Semantic Kernel's
/// tool loop makes on its own): traces it as a <c>chat</c> span, records it as a step, and refuses a call past the
/// invocation's step budget, so the budget holds even if the tool loop would go on.
/// </summary>
internal sealed class ModelCallHandler : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (AgentInvocation.Current is not { } invocation)
        {
            return await base.SendAsync(request, cancellationToken);
        }
        var started = Stopwatch.GetTimestamp();
        if (!invocation.TryStartModelCall(out var index))
        {
            throw new AgentBudgetException(
                $"Agent `{invocation.Agent.Name}` used its {invocation.Agent.MaxSteps} model calls.", AgentBudgetException.StepBudget);
        }
        // Span name and attributes follow the OpenTelemetry GenAI conventions for inference calls.
        using var activity = AgentsTelemetry.ActivitySource.StartActivity("chat", ActivityKind.Client);
        activity?.SetTag("gen_ai.operation.name", "chat");
        activity?.SetTag("gen_ai.agent.name", invocation.Agent.Name);
        activity?.SetTag("llmserve.agent.step", index);
        var failed = true;
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            activity?.SetTag("http.response.status_code", (int)response.StatusCode);
            failed = !response.IsSuccessStatusCode;
            return response;
        }
        catch (Exception ex)
        {
            activity?.AddException(ex).SetStatus(ActivityStatusCode.Error, ex.Message);
            throw;
        }
        finally
        {
            invocation.Complete(index, started, failed);
        }
    }
}
