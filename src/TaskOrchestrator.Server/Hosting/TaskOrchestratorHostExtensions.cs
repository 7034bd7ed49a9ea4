using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Json;
using TaskOrchestrator.Hosting;
using TaskOrchestrator.Indexing;
using TaskOrchestrator.Server.Auth;
using TaskOrchestrator.Server.Dashboard;
using TaskOrchestrator.Server.Endpoints;
using TaskOrchestrator.Server.Endpoints.Orchestrations;
using TaskOrchestrator.Server.Endpoints.Tasks;
using TaskOrchestrator.Server.Errors;
using TaskOrchestrator.Server.Health;
using TaskOrchestrator.Server.OpenApi;
using TaskOrchestrator.Server.Telemetry;

namespace TaskOrchestrator.Server.Hosting;

/// <summary>Wires the whole service (silo, REST gateway, auth, errors) into a web application.</summary>
public static class TaskOrchestratorHostExtensions
{
    /// <summary>The address the service listens on unless <c>urls</c> or Kestrel endpoints are configured.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5080";

    /// <summary>Largest request body accepted, in bytes (256 KiB).</summary>
    public const long MaxRequestBodyBytes = 256 * 1024;

    /// <summary>
    /// Adds the silo, the gateway's services, authentication, error handling, health checks, OpenAPI and telemetry, what
    /// Ctrl+C does (<see cref="CtrlCLifetime"/>), and in Development the Azurite it needs (<see cref="DevelopmentStorage"/>).
    /// </summary>
    public static WebApplicationBuilder AddTaskOrchestrator(this WebApplicationBuilder builder)
    {
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && !builder.Configuration.GetSection("Kestrel:Endpoints").Exists())
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = MaxRequestBodyBytes);
        if (!OperatingSystem.IsWindows())
        {
            // Windows keeps the console lifetime: its console close signal needs handling this one does not have.
            builder.Services.AddSingleton<IHostLifetime, CtrlCLifetime>();
        }

        DevelopmentStorage.StartAzuriteIfNeeded(builder);
        DevelopmentTokens.WatchUserSecrets(builder);
        builder.UseOrleans(silo => silo.AddTaskOrchestrator(builder.Configuration));

        var services = builder.Services;
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.Configure<JsonOptions>(o => ConfigureJson(o.SerializerOptions));
        services.AddProblemDetails();
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.AddTaskOrchestratorAuth();
        builder.AddTaskOrchestratorDashboard();
        services.AddTaskAdmission();
        services.AddResourceLookup(TaskEndpoints.Resource, sp => sp.GetRequiredService<ITaskIndex>());
        services.AddResourceLookup(OrchestrationEndpoints.Resource, sp => sp.GetRequiredService<IOrchestrationIndex>());
        services.AddResourceLookup(Endpoints.Schedules.ScheduleEndpoints.Resource, sp => sp.GetRequiredService<TaskOrchestrator.Schedules.IScheduleIndex>());
        services.AddSingleton<Endpoints.Schedules.ScheduleOwners>();
        services.AddSingleton<TaskOrchestrator.Callbacks.ICallbackBodies, Endpoints.Callbacks.ResourceCallbackBodies>();
        services.AddTaskOrchestratorHealthChecks();
        services.AddTaskOrchestratorOpenApi();
        builder.AddTaskOrchestratorTelemetry();
        return builder;
    }

    /// <summary>Adds the middleware: request logging (Debug), errors as ProblemDetails, body size limit, authentication.</summary>
    public static WebApplication UseTaskOrchestrator(this WebApplication app)
    {
        // First, so it sees the status code the error handling below settles on.
        app.UseMiddleware<RequestLoggingMiddleware>();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<RequestSizeLimitMiddleware>();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        return app;
    }

    /// <summary>The API's JSON conventions: camelCase, enums as strings, strict numbers, no unknown fields.</summary>
    public static void ConfigureJson(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.PropertyNameCaseInsensitive = true;
        options.NumberHandling = JsonNumberHandling.Strict;
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.Converters.Add(new JsonStringEnumConverter(allowIntegerValues: false));
    }
}
