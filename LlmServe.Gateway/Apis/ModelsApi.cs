using LlmServe.Gateway.Registry;
using LlmServe.ServiceDefaults.OpenAi;

namespace LlmServe.Gateway.Apis;

/// <summary>GET /v1/models and /v1/models/{id}: every deployment name and alias the gateway routes.</summary>
internal static class ModelsApi
{
    public const string Path = "/v1/models";

    public static IEndpointRouteBuilder MapModelsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet(Path, ListModels).WithName(nameof(ListModels));
        // Catch-all: Hugging Face style ids contain slashes (org/model).
        app.MapGet(Path + "/{**id}", RetrieveModel).WithName(nameof(RetrieveModel));
        return app;
    }

    public static IResult ListModels([AsParameters] GatewayServices services) =>
        TypedResults.Ok(new ModelList(services.Registry.Current.Models.Select(ToCard).ToArray()));

    public static IResult RetrieveModel(string id, [AsParameters] GatewayServices services)
    {
        var registry = services.Registry.Current;
        return registry.TryResolve(id, out var served)
            ? TypedResults.Ok(ToCard(served))
            : OpenAiError.ModelNotFound(id, registry.ServedNames);
    }

    private static ModelCard ToCard(ServedModel model) => new(model.Id, model.CreatedUnixSeconds, model.Deployment.OwnedBy);
}
