using Microsoft.AspNetCore.Http;

namespace LlmServe.ServiceDefaults.Memory;

/// <summary>Feeds <see cref="RequestActivity"/>; two interlocked operations per request, nothing allocated.</summary>
internal sealed class RequestActivityMiddleware(RequestDelegate next, RequestActivity activity)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (TelemetryNames.IsProbePath(context.Request.Path))
        {
            await next(context);
            return;
        }
        activity.Enter();
        try
        {
            await next(context);
        }
        finally
        {
            activity.Exit();
        }
    }
}
