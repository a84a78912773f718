using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace LlmServe.ServiceDefaults.Memory;

/// <summary>Registration of the idle memory trimmer and the middleware that feeds it.</summary>
public static class IdleMemoryTrimExtensions
{
    public static IHostApplicationBuilder AddIdleMemoryTrim(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<IdleMemoryTrimOptions>(builder.Configuration.GetSection(IdleMemoryTrimOptions.Section));
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<RequestActivity>();
        builder.Services.AddHostedService<IdleMemoryTrimmer>();
        return builder;
    }

    public static IApplicationBuilder UseRequestActivity(this IApplicationBuilder app) =>
        app.UseMiddleware<RequestActivityMiddleware>();
}
