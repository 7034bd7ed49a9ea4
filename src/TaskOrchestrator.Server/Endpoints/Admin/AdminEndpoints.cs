using System.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using TaskOrchestrator.Server.Auth;
using TaskOrchestrator.Delivery;
using TaskOrchestrator.Storage;

namespace TaskOrchestrator.Server.Endpoints.Admin;

/// <summary>Operator routes under <c>/admin</c>, for the admin role only.</summary>
public static class AdminEndpoints
{
    /// <summary>Maps <c>GET /admin/stats</c>.</summary>
    public static IEndpointRouteBuilder MapAdminEndpoints(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/admin").RequireAuthorization(AuthExtensions.AdminPolicy).WithTags("Admin");
        admin.MapGet("/stats", GetStatsAsync).WithName("GetStats");
        return app;
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
            counter.Total, counter.Snapshot(), activations, dispatcher.OnTimeHandOvers, dispatcher.LateHandOvers, GC.GetTotalMemory(false), process.WorkingSet64));
    }
}

/// <summary>The body of <c>GET /admin/stats</c>.</summary>
public sealed record NodeStats(
    long StorageCalls,
    IReadOnlyDictionary<string, long> StorageCallsByKind,
    int Activations,
    long DispatchedOnTime,
    long DispatchedLate,
    long ManagedMemoryBytes,
    long WorkingSetBytes);
