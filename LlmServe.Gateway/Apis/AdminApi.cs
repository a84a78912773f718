using LlmServe.Gateway.Registry;
using LlmServe.Gateway.Routing;
using LlmServe.ServiceDefaults.OpenAi;
using Microsoft.AspNetCore.Mvc;

namespace LlmServe.Gateway.Apis;

/// <summary>
/// The operator API under <c>/admin</c> (admin key required, see ApiKeyMiddleware): deployments with their versions,
/// weights and queues; replicas with their state; runtime weight changes and replica draining.
/// </summary>
internal static class AdminApi
{
    public const string Path = "/admin";

    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup(Path);
        admin.MapGet("/deployments", ListDeployments).WithName(nameof(ListDeployments));
        admin.MapGet("/replicas", ListReplicas).WithName(nameof(ListReplicas));
        admin.MapPut("/deployments/{name}/weights", SetWeights).WithName(nameof(SetWeights));
        admin.MapPost("/replicas/drain", Drain).WithName(nameof(Drain));
        return app;
    }

    public static IResult ListDeployments([FromServices] ModelRegistryProvider registry, [FromServices] TrafficWeights weights,
        [FromServices] AdmissionQueues queues) =>
        TypedResults.Ok(registry.Current.Deployments.Select(d =>
        {
            var effective = weights.Effective(d);
            return new
            {
                name = d.Name,
                aliases = d.Aliases,
                upstream = d.Upstream.ToString(),
                versions = d.Versions.Select((v, i) => new { name = v.Name, weight = effective[i], configured_weight = v.Weight, upstream = v.Upstream.ToString() }),
                max_ongoing_requests = d.Admission.MaxOngoingRequests,
                max_queued_requests = d.Admission.MaxQueuedRequests,
                queued = queues.Get(d.Name).Queued,
            };
        }).ToArray());

    public static IResult ListReplicas([FromServices] ReplicaStateStore replicas, [FromServices] TimeProvider time)
    {
        var now = time.GetUtcNow();
        return TypedResults.Ok(replicas.Snapshot().OrderBy(r => r.Deployment, StringComparer.Ordinal).ThenBy(r => r.Id, StringComparer.Ordinal)
            .Select(r => new
            {
                deployment = r.Deployment,
                replica = r.Id,
                address = r.Address.ToString(),
                ongoing = r.InFlightRequests,
                healthy = r.ProbeHealthy,
                ejected_until = r.EjectedUntil > now ? r.EjectedUntil : null,
                draining = r.Draining,
                available = r.IsAvailable(now),
            }).ToArray());
    }

    public static IResult SetWeights(string name, Dictionary<string, double> body, [FromServices] ModelRegistryProvider registry,
        [FromServices] TrafficWeights weights)
    {
        var deployment = registry.Current.Deployments.FirstOrDefault(d => d.Name == name);
        if (deployment is null)
        {
            return OpenAiError.Create(StatusCodes.Status404NotFound, $"No deployment '{name}'.", OpenAiError.NotFound, "name", "deployment_not_found");
        }
        var unknown = body.Keys.Where(v => deployment.Versions.All(x => x.Name != v)).ToArray();
        if (unknown.Length > 0 || body.Values.Any(w => !double.IsFinite(w) || w < 0))
        {
            return OpenAiError.BadRequest(
                $"Weights must be finite and >= 0 and name versions of '{name}' ({string.Join(", ", deployment.Versions.Select(v => v.Name))}).",
                "weights", "invalid_weights");
        }
        weights.Set(name, body);
        return TypedResults.Ok(new { name, weights = weights.Effective(deployment) });
    }

    public static IResult Drain(DrainRequest request, [FromServices] ReplicaStateStore replicas)
    {
        var matches = replicas.Snapshot().Where(r => r.Deployment == request.Deployment && r.Id == request.Replica).ToArray();
        if (matches.Length == 0)
        {
            return OpenAiError.Create(StatusCodes.Status404NotFound,
                $"No replica '{request.Replica}' of deployment '{request.Deployment}' has been seen.", OpenAiError.NotFound, "replica", "replica_not_found");
        }
        foreach (var replica in matches)
        {
            replica.Draining = request.Draining;
        }
        return TypedResults.Ok(new { deployment = request.Deployment, replica = request.Replica, draining = request.Draining });
    }
}
