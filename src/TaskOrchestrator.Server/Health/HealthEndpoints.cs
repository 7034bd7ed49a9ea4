using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace TaskOrchestrator.Server.Health;

/// <summary>
/// <c>GET /health/live</c> and <c>GET /health/ready</c>, anonymous, for load balancers and orchestrators. Liveness checks
/// nothing beyond the process answering; readiness runs the checks tagged <see cref="ReadyTag"/> (storage, silo).
/// </summary>
public static class HealthEndpoints
{
    /// <summary>The tag of the checks readiness runs.</summary>
    public const string ReadyTag = "ready";

    /// <summary>Registers the readiness checks: storage reachable, silo active.</summary>
    public static IServiceCollection AddTaskOrchestratorHealthChecks(this IServiceCollection services)
    {
        services.AddSingleton<StorageHealthCheck>();
        services.AddHealthChecks()
            .AddCheck<StorageHealthCheck>("storage", tags: [ReadyTag])
            .AddCheck<SiloHealthCheck>("silo", tags: [ReadyTag]);
        return services;
    }

    /// <summary>Maps the health routes under <c>/health</c>.</summary>
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        var health = app.MapGroup("/health").AllowAnonymous().WithTags("Health");
        health.MapGet("/live", GetLiveness)
            .WithName("GetLiveness")
            .WithSummary("Liveness: the process is up")
            .WithDescription("Always 200 while the process serves HTTP; checks nothing else, so it never flaps with storage.");
        health.MapGet("/ready", GetReadinessAsync)
            .WithName("GetReadiness")
            .WithSummary("Readiness: storage reachable and the silo active in the cluster")
            .WithDescription(
                "200 when every check is Healthy, 503 (same body) when one is not. Storage is probed with one point read " +
                $"(timeout {StorageHealthCheck.Timeout.TotalSeconds:0} s) whose outcome is reused for {StorageHealthCheck.CacheFor.TotalSeconds:0} s.")
            .Produces<HealthReportResource>(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    private static Ok<HealthReportResource> GetLiveness() => TypedResults.Ok(new HealthReportResource(HealthStatus.Healthy, 0, null));

    private static async Task<Results<Ok<HealthReportResource>, JsonHttpResult<HealthReportResource>>> GetReadinessAsync(
        HealthCheckService health, CancellationToken cancellationToken)
    {
        var report = await health.CheckHealthAsync(check => check.Tags.Contains(ReadyTag), cancellationToken);
        var body = HealthReportResource.From(report);
        return report.Status == HealthStatus.Healthy
            ? TypedResults.Ok(body)
            : TypedResults.Json(body, statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
