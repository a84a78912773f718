namespace LlmServe.Gateway.Autoscaling;

/// <summary><c>GET /admin/autoscaler</c>: the latest decision per deployment (also what the local AppHost actuator polls).</summary>
internal static class AutoscalerApi
{
    public const string Path = "/admin/autoscaler";

    public static IEndpointRouteBuilder MapAutoscalerApi(this IEndpointRouteBuilder app)
    {
        app.MapGet(Path, GetStatus).ExcludeFromDescription();
        return app;
    }

    private static Microsoft.AspNetCore.Http.HttpResults.Ok<AutoscalerReport> GetStatus(AutoscalerStatusBoard board, ILeaderElector leader) =>
        TypedResults.Ok(new AutoscalerReport(leader.IsLeader, board.Snapshot()));
}
