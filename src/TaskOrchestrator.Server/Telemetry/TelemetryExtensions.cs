using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using TaskOrchestrator.Telemetry;

namespace TaskOrchestrator.Server.Telemetry;

/// <summary>
/// OpenTelemetry: the service's own meter (<see cref="TaskOrchestratorMetrics"/>), ASP.NET Core's and the runtime's,
/// scraped as Prometheus text at <see cref="MetricsPath"/>; with an OTLP endpoint configured, metrics, traces and logs
/// are also pushed there.
/// </summary>
public static class TelemetryExtensions
{
    /// <summary>Where Prometheus scrapes the metrics.</summary>
    public const string MetricsPath = "/metrics";

    /// <summary>The setting (standard OpenTelemetry environment variable) that turns on OTLP export, e.g. <c>http://collector:4317</c>.</summary>
    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>The service name reported to OpenTelemetry unless <c>OTEL_SERVICE_NAME</c> says otherwise.</summary>
    public const string ServiceName = "task-orchestrator";

    /// <summary>The meter Orleans reports its runtime's metrics on.</summary>
    public const string OrleansMeterName = "Microsoft.Orleans";

    /// <summary>Adds metrics (always, with this node's <see cref="RecentActivity"/>) and OTLP export of metrics, traces and logs (when <see cref="OtlpEndpointSetting"/> is set).</summary>
    public static WebApplicationBuilder AddTaskOrchestratorTelemetry(this WebApplicationBuilder builder)
    {
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName))
            .WithMetrics(metrics => metrics
                .AddMeter(TaskOrchestratorMetrics.MeterName)

                // The silo's own: activations, messages, reminders, storage latency.
                .AddMeter(OrleansMeterName)
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation()
                .AddPrometheusExporter());

        builder.Services.AddSingleton<RecentActivity>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RecentActivity>());

        // Outgoing HTTP metrics are left out: their server.address tag has one value per target host, unbounded.
        if (!string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointSetting]))
        {
            builder.Logging.AddOpenTelemetry(logs =>
            {
                logs.IncludeScopes = true;
                logs.IncludeFormattedMessage = true;
            });
            telemetry
                .WithTracing(tracing => tracing.AddAspNetCoreInstrumentation().AddHttpClientInstrumentation())
                .UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>Maps <c>GET /metrics</c> (Prometheus text format), anonymous like a scrape target usually is.</summary>
    public static IEndpointConventionBuilder MapMetricsEndpoint(this IEndpointRouteBuilder app) =>
        app.MapPrometheusScrapingEndpoint(MetricsPath)
            .WithMetadata(new HttpMethodMetadata([HttpMethods.Get]))
            .WithDisplayName("GET /metrics")
            .AllowAnonymous();
}
