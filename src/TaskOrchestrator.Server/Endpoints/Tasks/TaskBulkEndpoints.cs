using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using TaskOrchestrator.Indexing;
using TaskOrchestrator.Quotas;
using TaskOrchestrator.Server.Endpoints.Bulk;
using TaskOrchestrator.Server.Errors;
using TaskOrchestrator.Server.Hosting;
using TaskOrchestrator.Server.Limits;
using TaskOrchestrator.Server.OpenApi;
using TaskOrchestrator.Storage;
using TaskOrchestrator.Tasks;

using TaskLookup = TaskOrchestrator.Server.Endpoints.ResourceLookup<TaskOrchestrator.Tasks.ITaskGrain, TaskOrchestrator.Tasks.TaskSnapshot>;

namespace TaskOrchestrator.Server.Endpoints.Tasks;

/// <summary>The bulk actions on tasks: <c>POST /tasks/bulk/cancel</c> and <c>/tasks/bulk/rerun</c> (see <see cref="BulkRunner"/>).</summary>
internal static class TaskBulkEndpoints
{
    private const string Scope =
        "Acts only on the caller's own tasks (admins too): `ids` (at most 1000; another owner's id is reported `skipped`, `not found`) or " +
        "`filter` (`status`, `labels`, `createdAfter`, `createdBefore`), newest first, at most `limit` (default and maximum 1000) per call; " +
        "pass the answer's `continuation` back to go on.";

    /// <summary>Maps the bulk routes on the <c>/tasks</c> group.</summary>
    public static void MapTaskBulkEndpoints(this RouteGroupBuilder tasks)
    {
        tasks.MapPost("/bulk/cancel", CancelAsync).WithName("BulkCancelTasks").RequireRateLimiting(AdmissionOptions.PolicyName)
            .WithSummary("Cancel many tasks")
            .WithDescription($"Cancels each task that can be cancelled (`cancelled`); the others are `skipped` with the reason. {Scope}")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesBodyProblems();
        tasks.MapPost("/bulk/rerun", RerunAsync).WithName("BulkRerunTasks").RequireRateLimiting(AdmissionOptions.PolicyName)
            .WithSummary("Rerun many finished tasks")
            .WithDescription(
                $"Reruns each Completed, Failed or Cancelled task now (`rerun`, with the new task's `newId`); the others, and those over the pending " +
                $"tasks limit, are `skipped` with the reason. {Scope}")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesBodyProblems();
    }

    private static Task<Results<Ok<BulkResponse>, ValidationProblem>> CancelAsync(
        BulkRequest request, ClaimsPrincipal user, ITaskIndex index, TaskLookup tasks, CancellationToken cancellationToken) =>
        BulkRunner.RunAsync(request, user, index, Keys, Known(tasks), async (id, owner) =>
        {
            try
            {
                var result = await tasks.Grain(id).CancelAsync(owner);
                return result.Outcome == TaskCommandOutcome.Ok ? new BulkItemResult(id, "cancelled") : Skip(id, result.Outcome, result.Reason);
            }
            catch (Exception e) when (Faults.IsUnavailable(e))
            {
                return BulkItemResult.Skip(id, Unavailable);
            }
        }, cancellationToken);

    private static Task<Results<Ok<BulkResponse>, ValidationProblem>> RerunAsync(
        BulkRequest request, ClaimsPrincipal user, ITaskIndex index, TaskLookup tasks, TaskIdMinter ids, TimeProvider time, PendingQuota quota,
        CancellationToken cancellationToken) =>
        BulkRunner.RunAsync(request, user, index, Keys, Known(tasks), async (id, owner) =>
        {
            using var reservation = await quota.ReserveAsync(user, PendingKind.Task);
            if (reservation.Problem is not null)
            {
                return BulkItemResult.Skip(id, "over the pending tasks limit");
            }

            try
            {
                var now = time.GetUtcNow();
                var result = await tasks.Grain(id).RerunAsync(ids.Mint(now), now, owner);
                if (result.Outcome != TaskCommandOutcome.Ok)
                {
                    return Skip(id, result.Outcome, result.Reason);
                }

                reservation.Keep();
                return new BulkItemResult(id, "rerun", NewId: result.Rerun!.Id);
            }
            catch (Exception e) when (Faults.IsUnavailable(e))
            {
                return BulkItemResult.Skip(id, Unavailable);
            }
        }, cancellationToken);

    /// <summary>What a skipped item reports for a refused command.</summary>
    internal static BulkItemResult Skip(Guid id, TaskCommandOutcome outcome, string? reason) =>
        BulkItemResult.Skip(id, outcome == TaskCommandOutcome.NotFound ? BulkItemResult.NotFound : reason);

    /// <summary>The reason of an item the service could not reach.</summary>
    internal const string Unavailable = "unavailable: the service could not reach it; try again";

    private static (Guid, DateTimeOffset) Keys(TaskSnapshot task) => (task.Id, task.CreatedAt);

    private static Func<Guid, CancellationToken, Task<bool>> Known(TaskLookup tasks) =>
        async (id, cancellationToken) => (await tasks.KnownIdAsync(id.ToString(), cancellationToken)).Id is not null;
}
