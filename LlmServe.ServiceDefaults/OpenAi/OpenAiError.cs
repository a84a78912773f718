using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;

namespace LlmServe.ServiceDefaults.OpenAi;

/// <summary>The OpenAI error body: <c>{"error":{"message","type","param","code"}}</c>.</summary>
public sealed record OpenAiErrorBody([property: JsonPropertyName("error")] OpenAiErrorDetail Error);

/// <summary>The inner object of an OpenAI error.</summary>
public sealed record OpenAiErrorDetail(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("param")] string? Param,
    [property: JsonPropertyName("code")] string? Code);

/// <summary>Factories for OpenAI-shaped error results with the status codes OpenAI and vLLM use.</summary>
public static class OpenAiError
{
    public const string InvalidRequest = "invalid_request_error";
    public const string NotFound = "NotFoundError";
    public const string Authentication = "authentication_error";
    public const string Permission = "permission_error";
    public const string RateLimit = "rate_limit_error";
    public const string Server = "server_error";
    public const string Unavailable = "service_unavailable";

    public static IResult Create(int status, string message, string type, string? param = null, string? code = null) =>
        TypedResults.Json(new OpenAiErrorBody(new OpenAiErrorDetail(message, type, param, code)), statusCode: status);

    public static IResult BadRequest(string message, string? param = null, string? code = null) =>
        Create(StatusCodes.Status400BadRequest, message, InvalidRequest, param, code);

    public static IResult ModelNotFound(string model, IEnumerable<string> available) =>
        Create(StatusCodes.Status404NotFound,
            $"The model `{model}` does not exist. Available models: {string.Join(", ", available)}.",
            NotFound, "model", "model_not_found");

    public static Task WriteAsync(HttpContext context, int status, string message, string type, string? param = null, string? code = null)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new OpenAiErrorBody(new OpenAiErrorDetail(message, type, param, code)));
    }
}
