using LlmServe.ServiceDefaults.OpenAi;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LlmServe.Agents.Apis;

/// <summary>OpenAI-shaped errors as a concrete result type, so handlers can list them in <c>Results&lt;...&gt;</c>.</summary>
internal static class ApiErrors
{
    public static JsonHttpResult<OpenAiErrorBody> Create(int status, string message, string type, string? param = null, string? code = null) =>
        TypedResults.Json(new OpenAiErrorBody(new OpenAiErrorDetail(message, type, param, code)), statusCode: status);

    public static JsonHttpResult<OpenAiErrorBody> BadRequest(string message, string? param = null) =>
        Create(StatusCodes.Status400BadRequest, message, OpenAiError.InvalidRequest, param);

    public static JsonHttpResult<OpenAiErrorBody> AgentNotFound(string name, IEnumerable<string> available) =>
        Create(StatusCodes.Status404NotFound,
            $"The agent `{name}` does not exist. Available agents: {string.Join(", ", available)}.",
            OpenAiError.NotFound, "name", "agent_not_found");

    public static JsonHttpResult<OpenAiErrorBody> BadGateway(string message) =>
        Create(StatusCodes.Status502BadGateway, message, OpenAiError.Server, code: "upstream_error");

    /// <summary>504 when the time budget ran out (the answer did not come in time); 500 for a model call past the step budget.</summary>
    public static JsonHttpResult<OpenAiErrorBody> BudgetExceeded(string message, string code) =>
        Create(code == Agents.AgentBudgetException.TimeBudget ? StatusCodes.Status504GatewayTimeout : StatusCodes.Status500InternalServerError,
            message, OpenAiError.Server, code: code);

    /// <summary>503: an MCP server the agent's tools live in is down; retrying later may succeed.</summary>
    public static JsonHttpResult<OpenAiErrorBody> ToolsUnavailable(string message) =>
        Create(StatusCodes.Status503ServiceUnavailable, message, OpenAiError.Unavailable, code: "tool_server_unavailable");
}
