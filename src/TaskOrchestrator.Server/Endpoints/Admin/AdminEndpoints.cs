using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using TaskOrchestrator.Server.Auth;
using TaskOrchestrator.Server.OpenApi;
using TaskOrchestrator.Server.Telemetry;
using TaskOrchestrator.Delivery;
using TaskOrchestrator.Storage;

namespace TaskOrchestrator.Server.Endpoints.Admin;

/// <summary>Operator routes under <c>/admin</c>, for the admin role only.</summary>
public static class AdminEndpoints
{
    /// <summary>Maps <c>GET /admin/stats</c>, <c>GET /admin/activity</c> and <c>GET /admin/routes</c>.</summary>
    public static IEndpointRouteBuilder MapAdminEndpoints(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/admin").RequireAuthorization(AuthExtensions.AdminPolicy).WithTags("Admin").ProducesProtectedRouteProblems();
        admin.MapGet("/stats", GetStatsAsync).WithName("GetStats")
            .WithSummary("This node's storage calls, activations, dispatcher counts, memory and garbage collections")
            .WithDescription("`?gc=true` runs a full garbage collection first, so managed memory is what is really held.");
        admin.MapGet("/activity", GetActivity).WithName("GetActivity")
            .WithSummary("This node's task calls per second over the last minutes")
            .WithDescription(
                "One point per whole second, oldest first: calls fired (first attempts and retries), tasks succeeded and failed, and the median and " +
                "99th percentile of how late first calls started (absent in a second when none started). `?seconds=` 1 to 300, default 300.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        admin.MapGet("/routes", GetRoutes).WithName("GetRoutes")
            .WithSummary("Every route this node serves")
            .WithDescription("Each route's pattern and methods, and whether the OpenAPI document describes it (all do but the pages for people: the document itself, its reference page, the dashboard and the console).");
        return app;
    }

    private static Ok<RouteResource[]> GetRoutes(EndpointDataSource endpoints) => TypedResults.Ok(endpoints.Endpoints
        .OfType<RouteEndpoint>()
        .Select(e => new RouteResource(
            e.RoutePattern.RawText ?? "",
            [.. e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []],
            e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName,
            e.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>()?.ExcludeFromDescription != true))
        .OrderBy(r => r.Pattern, StringComparer.Ordinal)
        .ToArray());

    private static Results<Ok<IReadOnlyList<ActivitySecond>>, ProblemHttpResult> GetActivity(
        RecentActivity activity, [Description("How many seconds, 1 to 300; default 300.")] string? seconds)
    {
        var count = RecentActivity.WindowSeconds;
        if (seconds is not null && (!int.TryParse(seconds, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count is < 1 or > RecentActivity.WindowSeconds))
        {
            return RouteProblems.BadRequest($"seconds must be a whole number from 1 to {RecentActivity.WindowSeconds}.");
        }

        return TypedResults.Ok(activity.Last(count));
    }

    /// <summary>
    /// This node's storage calls (by table and method), the cluster's grain activations, and this process's memory.
    /// <c>?gc=true</c> runs a full garbage collection first, so managed memory is what is really held.
    /// </summary>
    private static async Task<Ok<NodeStats>> GetStatsAsync(IGrainFactory grains, PreciseDispatcher dispatcher, bool? gc)
    {
        if (gc == true)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        var activations = await grains.GetGrain<IManagementGrain>(0).GetTotalActivationCount();
        using var process = Process.GetCurrentProcess();
        var counter = StorageCallCounter.Instance;
        return TypedResults.Ok(new NodeStats(
            counter.Total, counter.Snapshot(), activations, dispatcher.OnTimeHandOvers, dispatcher.LateHandOvers, GC.GetTotalMemory(false), process.WorkingSet64,
            GC.GetTotalAllocatedBytes(precise: true), GC.CollectionCount(0), GC.GetTotalPauseDuration().TotalMilliseconds,
            JitInfo.GetCompiledMethodCount(), JitInfo.GetCompilationTime().TotalMilliseconds));
    }
}

/// <summary>The body of <c>GET /admin/stats</c>.</summary>
/// <param name="StorageCalls">Requests this process sent to Azure Storage since it started.</param>
/// <param name="StorageCallsByKind">The same by "METHOD table", e.g. "POST $batch".</param>
/// <param name="Activations">Grain activations in the cluster.</param>
/// <param name="DispatchedOnTime">Calls handed to the precise dispatcher before their due time.</param>
/// <param name="DispatchedLate">Calls handed over when already due (started late).</param>
/// <param name="ManagedMemoryBytes">The managed heap's size.</param>
/// <param name="WorkingSetBytes">The process's working set.</param>
/// <param name="AllocatedBytes">Managed memory this process has allocated since it started.</param>
/// <param name="GarbageCollections">Garbage collections since it started (of any generation).</param>
/// <param name="GcPauseMs">Time its threads were paused for garbage collection since it started: the pauses delay everything, due calls included.</param>
/// <param name="JitCompiledMethods">Methods the runtime has compiled since it started. It keeps re-compiling hot methods for the first seconds under load (tiered compilation), which costs CPU; a count that has stopped rising means the node has warmed up.</param>
/// <param name="JitCompilationMs">Time spent compiling them.</param>
public sealed record NodeStats(
    long StorageCalls,
    IReadOnlyDictionary<string, long> StorageCallsByKind,
    int Activations,
    long DispatchedOnTime,
    long DispatchedLate,
    long ManagedMemoryBytes,
    long WorkingSetBytes,
    long AllocatedBytes,
    int GarbageCollections,
    double GcPauseMs,
    long JitCompiledMethods,
    double JitCompilationMs);
