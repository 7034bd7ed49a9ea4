using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using TaskOrchestrator.Server.Telemetry;

namespace TaskOrchestrator.Server.OpenApi;

/// <summary>
/// The document's description, its bearer security scheme, its tags, and <c>GET /metrics</c> (served by the Prometheus
/// exporter's own endpoint, which the API explorer cannot see).
/// </summary>
internal sealed class ApiDocumentTransformer : IOpenApiDocumentTransformer
{
    /// <summary>The name of the security scheme every protected operation requires.</summary>
    public const string BearerScheme = "Bearer";

    private const string Description = """
        Schedule HTTP calls to run after a delay, durably, and run sequences of them (orchestrations) with condition checks.

        **Authentication.** Every route under `/tasks`, `/orchestrations` and `/admin` needs `Authorization: Bearer <JWT>`.
        A task or orchestration belongs to the token's subject (`sub`): another subject gets 404 for it and never sees it
        listed; a token with the role `admin` (claim `role` or `roles`) sees and manages everything and may call `/admin`.
        `/health/*`, `/metrics`, this document and the reference page are anonymous.

        **Errors.** Every 4xx and 5xx carries an RFC 9457 ProblemDetails body (`application/problem+json`) saying what was
        wrong; validation errors list each field under `errors`. `503` (node saturated, or cluster or storage not answering
        in time) comes with `Retry-After`.

        **Paging.** Listings come newest first; while more remain the answer has `Link: <…>; rel="next"` to follow.
        """;

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "TaskOrchestrator API";
        document.Info.Description = Description;

        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "A JWT with a `sub` claim (and `role: admin` for the admin view). In Development: `dotnet user-jwts create --project src/TaskOrchestrator.Server`.",
        };

        document.Tags = new HashSet<OpenApiTag>
        {
            new() { Name = "Tasks", Description = "Single scheduled HTTP calls." },
            new() { Name = "Orchestrations", Description = "Sequences of calls with condition checks and a fallback." },
            new() { Name = "Admin", Description = "Operator views; admin role only." },
            new() { Name = "Health", Description = "Liveness and readiness probes; anonymous." },
            new() { Name = "Metrics", Description = "OpenTelemetry metrics in Prometheus text format; anonymous." },
        };

        document.Paths ??= new OpenApiPaths();
        document.Paths[TelemetryExtensions.MetricsPath] = MetricsPath();
        return Task.CompletedTask;
    }

    private static OpenApiPathItem MetricsPath()
    {
        var operation = new OpenApiOperation
        {
            OperationId = "GetMetrics",
            Summary = "Metrics for Prometheus",
            Description =
                "The node's metrics in Prometheus text exposition format: `taskorchestrator_tasks_*` counters (scheduled, fired, " +
                "succeeded, failed, cancelled, retried), `taskorchestrator_tasks_firing_lateness_milliseconds` and " +
                "`taskorchestrator_http_attempt_duration_milliseconds` histograms, `taskorchestrator_orchestrations_*` by outcome, " +
                "ASP.NET Core's `http_server_*` and the runtime's `dotnet_*`.",
            Tags = new HashSet<OpenApiTagReference> { new("Metrics") },
            Responses = new OpenApiResponses
            {
                ["200"] = new OpenApiResponse
                {
                    Description = "OK",
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        ["text/plain"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String } },
                    },
                },
            },
        };
        var item = new OpenApiPathItem();
        item.AddOperation(HttpMethod.Get, operation);
        return item;
    }
}
