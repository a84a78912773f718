using System.Diagnostics;
using System.Text.Json;
using Microsoft.SemanticKernel;

namespace LlmServe.Agents.Agents;

/// <summary>
/// Wraps every tool call of Semantic Kernel's tool loop: an <c>execute_tool</c> span, the tool timeout, the result
/// size limit, errors handed to the model as the tool's result (never a crash), and the stop once the step budget
/// leaves no model call to read the result.
/// </summary>
internal sealed class ToolCallFilter : IAutoFunctionInvocationFilter
{
    public async Task OnAutoFunctionInvocationAsync(AutoFunctionInvocationContext context, Func<AutoFunctionInvocationContext, Task> next)
    {
        var invocation = AgentInvocation.Current;
        var name = context.Function.PluginName is { } plugin ? $"{plugin}-{context.Function.Name}" : context.Function.Name;
        using var activity = AgentsTelemetry.ActivitySource.StartActivity($"execute_tool {name}");
        activity?.SetTag("gen_ai.operation.name", "execute_tool");
        activity?.SetTag("gen_ai.tool.name", name);
        activity?.SetTag("gen_ai.tool.call.id", context.ToolCallId);
        var started = Stopwatch.GetTimestamp();
        string result;
        var failed = false;
        try
        {
            await next(context).WaitAsync(invocation?.ToolTimeout ?? Timeout.InfiniteTimeSpan, context.CancellationToken);
            result = context.Result.GetValue<object>()?.ToString() ?? "";
        }
        catch (Exception ex) when (!context.CancellationToken.IsCancellationRequested)
        {
            failed = true;
            result = ex is TimeoutException ? $"Error: the tool did not finish within {invocation?.ToolTimeout.TotalSeconds:F0} s." : $"Error: {ex.Message}";
            activity?.AddException(ex).SetStatus(ActivityStatusCode.Error, ex.Message);
        }
        var limit = invocation?.MaxToolResultChars ?? int.MaxValue;
        if (result.Length > limit)
        {
            result = result[..limit] + $"\n[cut: the result was {result.Length} characters, the limit is {limit}]";
        }
        context.Result = new FunctionResult(context.Function, result);
        activity?.SetTag("llmserve.tool.failed", failed);
        if (invocation is null)
        {
            return;
        }
        invocation.AddToolCall(name, Arguments(context.Arguments), started, failed, result);
        if (invocation.ModelCalls >= invocation.Agent.MaxSteps)
        {
            // No model call is left to read this result: end the loop here instead of failing the next call.
            invocation.StepLimitReached = true;
            context.Terminate = true;
        }
    }

    /// <summary>The arguments the model gave, as a JSON object, for clients that watch the run.</summary>
    private static string Arguments(KernelArguments? arguments) =>
        JsonSerializer.Serialize(arguments?.ToDictionary(a => a.Key, a => a.Value) ?? []);
}
