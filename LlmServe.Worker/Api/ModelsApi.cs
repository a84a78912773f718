using LlmServe.ServiceDefaults.OpenAi;
using LlmServe.Worker.Model;

namespace LlmServe.Worker.Api;

/// <summary><c>GET /v1/models</c> and <c>GET /v1/models/{id}</c>: the one model this replica serves.</summary>
internal static class ModelsApi
{
    private static readonly long Created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    public static IEndpointRouteBuilder MapModelsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/models", (ModelHost host) => TypedResults.Ok(new { @object = "list", data = new[] { Describe(host) } }));
        app.MapGet("/v1/models/{**id}", (string id, ModelHost host) =>
            id == host.ServedModelName ? TypedResults.Ok(Describe(host)) : OpenAiError.ModelNotFound(id, [host.ServedModelName]));
        return app;
    }

    private static object Describe(ModelHost host) => new
    {
        id = host.ServedModelName,
        @object = "model",
        created = Created,
        owned_by = "llmserve",
        max_model_len = host.MaxModelLen,
    };
}
