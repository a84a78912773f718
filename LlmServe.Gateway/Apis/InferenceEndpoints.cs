using LlmServe.Gateway.Forwarding;
using LlmServe.Gateway.Validation;

namespace LlmServe.Gateway.Apis;

/// <summary>Maps the inference endpoints straight onto <see cref="InferenceProxy"/>, the gateway's hot path.</summary>
internal static class InferenceEndpoints
{
    /// <summary>
    /// POST <paramref name="path"/>, forwarded as <paramref name="endpoint"/>. A plain request delegate over the proxy
    /// resolved once: a minimal-API handler would bind its services from a per-request DI scope and wrap the call in its
    /// own result plumbing, allocations and work on every forwarded request that buy nothing here.
    /// </summary>
    public static IEndpointConventionBuilder MapInference(this IEndpointRouteBuilder app, string path, OpenAiEndpoint endpoint)
    {
        var proxy = app.ServiceProvider.GetRequiredService<InferenceProxy>();
        return app.MapPost(path, context => proxy.InvokeAsync(context, endpoint));
    }
}
