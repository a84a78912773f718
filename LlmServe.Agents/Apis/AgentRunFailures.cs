using LlmServe.Agents.Agents;
using LlmServe.Agents.Mcp;
using LlmServe.ServiceDefaults.OpenAi;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LlmServe.Agents.Apis;

/// <summary>How a failed invocation is logged and told to the client, the same whether the answer is JSON or a stream.</summary>
internal static partial class AgentRunFailures
{
    /// <summary>The OpenAI error for a run that failed for a known reason; null for anything else (a fault of ours).</summary>
    /// <param name="inputParam">The request field that carried the caller's conversation (named when it was too long).</param>
    public static JsonHttpResult<OpenAiErrorBody>? ToError(Exception exception, string agent, string inputParam, ILogger logger)
    {
        switch (exception)
        {
            case AgentUpstreamException { IsContextLengthExceeded: true } tooLong:
                // The caller's input (with the agent's instructions and tool results) does not fit the model: a 400 the
                // caller can act on, not a gateway fault.
                LogInputTooLong(logger, agent);
                return ApiErrors.Create(StatusCodes.Status400BadRequest,
                    $"The conversation is too long for agent `{agent}`'s model: {tooLong.Message}", OpenAiError.InvalidRequest,
                    inputParam, AgentUpstreamException.ContextLengthExceeded);
            case AgentBudgetException budget:
                LogBudgetExceeded(logger, agent, budget.Code);
                return ApiErrors.BudgetExceeded(budget.Message, budget.Code);
            case McpServerUnavailableException mcp:
                LogToolsUnavailable(logger, agent, mcp.Message);
                return ApiErrors.ToolsUnavailable(mcp.Message);
            case AgentUpstreamException upstream:
                LogUpstreamFailed(logger, upstream, agent, upstream.UpstreamStatus);
                return ApiErrors.BadGateway($"The gateway failed while running agent `{agent}`: {upstream.Message}");
            default:
                return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Agent {Agent} stopped: {BudgetCode}")]
    private static partial void LogBudgetExceeded(ILogger logger, string agent, string budgetCode);

    [LoggerMessage(Level = LogLevel.Information, Message = "Agent {Agent} stopped: the conversation does not fit its model's context")]
    private static partial void LogInputTooLong(ILogger logger, string agent);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Agent {Agent} could not get its tools: {Reason}")]
    private static partial void LogToolsUnavailable(ILogger logger, string agent, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Agent {Agent} failed upstream (status {UpstreamStatus})")]
    private static partial void LogUpstreamFailed(ILogger logger, Exception exception, string agent, int? upstreamStatus);
}
