using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmServe.ServiceDefaults.OpenAi;

/// <summary>
/// Turns framework-level failures (unreadable bodies, oversized bodies, unhandled exceptions, unknown paths and
/// methods) into OpenAI-shaped errors so that no client ever sees an HTML page or an empty 500, 404 or 405.
/// </summary>
public static class OpenAiErrorMiddleware
{
    /// <summary>
    /// Makes minimal-API binding failures (unreadable JSON, wrong types) throw instead of answering an empty 400,
    /// so <see cref="UseOpenAiErrors"/> can give them the OpenAI error body.
    /// </summary>
    public static IServiceCollection AddOpenAiErrors(this IServiceCollection services) =>
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);

    public static IApplicationBuilder UseOpenAiErrors(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        try
        {
            await next(context);
            if (context.Response is { HasStarted: false, StatusCode: 404 or 405, ContentType: null, ContentLength: null or 0 })
            {
                // Routing's own answers (no endpoint, or one that takes other methods) come without a body.
                var what = context.Response.StatusCode == 404 ? "Invalid URL" : "Invalid method for URL";
                await OpenAiError.WriteAsync(context, context.Response.StatusCode,
                    $"{what} ({context.Request.Method} {context.Request.Path})", OpenAiError.InvalidRequest);
            }
        }
        catch (BadHttpRequestException ex) when (!context.Response.HasStarted)
        {
            var param = ex.InnerException is System.Text.Json.JsonException json ? json.Path?.TrimStart('$', '.') : null;
            await OpenAiError.WriteAsync(context, ex.StatusCode, ex.InnerException?.Message ?? ex.Message,
                OpenAiError.InvalidRequest, string.IsNullOrEmpty(param) ? null : param);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away: nothing to answer.
        }
        catch (Exception ex) when (!context.Response.HasStarted)
        {
            var logger = context.RequestServices.GetService(typeof(ILoggerFactory)) is ILoggerFactory f
                ? f.CreateLogger("LlmServe.Errors") : null;
            logger?.LogError(ex, "Unhandled error on {Path}", context.Request.Path);
            await OpenAiError.WriteAsync(context, StatusCodes.Status500InternalServerError,
                "The server had an error while processing your request.", OpenAiError.Server);
        }
    });
}
