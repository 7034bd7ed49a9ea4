using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using TaskOrchestrator.Indexing;
using TaskOrchestrator.Orchestrations;
using TaskOrchestrator.Quotas;
using TaskOrchestrator.Server.Endpoints.Bulk;
using TaskOrchestrator.Server.Endpoints.Tasks;
using TaskOrchestrator.Server.Errors;
using TaskOrchestrator.Server.Hosting;
using TaskOrchestrator.Server.Limits;
using TaskOrchestrator.Server.OpenApi;
using TaskOrchestrator.Tasks;

using OrchestrationLookup = TaskOrchestrator.Server.Endpoints.ResourceLookup<TaskOrchestrator.Orchestrations.IOrchestrationGrain, TaskOrchestrator.Orchestrations.OrchestrationSnapshot>;

namespace TaskOrchestrator.Server.Endpoints.Orchestrations;

/// <summary>The bulk actions on orchestrations: <c>POST /orchestrations/bulk/cancel</c> and <c>/orchestrations/bulk/retry</c>.</summary>
internal static class OrchestrationBulkEndpoints
{
    private const string Scope =
        "Acts only on the caller's own orchestrations (admins too): `ids` (at most 1000; another owner's id is reported `skipped`, `not found`) " +
        "or `filter` (`status`, `labels`, `createdAfter`, `createdBefore`), newest first, at most `limit` (default and maximum 1000) per call; " +
        "pass the answer's `continuation` back to go on.";

    /// <summary>Maps the bulk routes on the <c>/orchestrations</c> group.</summary>
    public static void MapOrchestrationBulkEndpoints(this RouteGroupBuilder group)
    {
        group.MapPost("/bulk/cancel", CancelAsync).WithName("BulkCancelOrchestrations").RequireRateLimiting(AdmissionOptions.PolicyName)
            .WithSummary("Cancel many orchestrations")
            .WithDescription($"Cancels each orchestration not finished (`cancelled`); the others are `skipped` with the reason. {Scope}")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesBodyProblems();
        group.MapPost("/bulk/retry", RetryAsync).WithName("BulkRetryOrchestrations").RequireRateLimiting(AdmissionOptions.PolicyName)
            .WithSummary("Retry many failed orchestrations")
            .WithDescription(
                $"Resumes each Failed orchestration from its failed step (`retried`); the others, and those over the pending orchestrations limit, " +
                $"are `skipped` with the reason. {Scope}")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesBodyProblems();
    }

    private static Task<Results<Ok<BulkResponse>, ValidationProblem>> CancelAsync(
        BulkRequest request, ClaimsPrincipal user, IOrchestrationIndex index, OrchestrationLookup orchestrations, CancellationToken cancellationToken) =>
        BulkRunner.RunAsync(request, user, index, Keys, Known(orchestrations), async (id, owner) =>
        {
            try
            {
                var result = await orchestrations.Grain(id).CancelAsync(owner);
                return result.Outcome == TaskCommandOutcome.Ok ? new BulkItemResult(id, "cancelled") : TaskBulkEndpoints.Skip(id, result.Outcome, result.Reason);
            }
            catch (Exception e) when (Faults.IsUnavailable(e))
            {
                return BulkItemResult.Skip(id, TaskBulkEndpoints.Unavailable);
            }
        }, cancellationToken);

    private static Task<Results<Ok<BulkResponse>, ValidationProblem>> RetryAsync(
        BulkRequest request, ClaimsPrincipal user, IOrchestrationIndex index, OrchestrationLookup orchestrations, PendingQuota quota,
        CancellationToken cancellationToken) =>
        BulkRunner.RunAsync(request, user, index, Keys, Known(orchestrations), async (id, owner) =>
        {
            using var reservation = await quota.ReserveAsync(user, PendingKind.Orchestration);
            if (reservation.Problem is not null)
            {
                return BulkItemResult.Skip(id, "over the pending orchestrations limit");
            }

            try
            {
                var result = await orchestrations.Grain(id).RetryAsync(owner);
                if (result.Outcome != TaskCommandOutcome.Ok)
                {
                    return TaskBulkEndpoints.Skip(id, result.Outcome, result.Reason);
                }

                reservation.Keep();
                return new BulkItemResult(id, "retried");
            }
            catch (Exception e) when (Faults.IsUnavailable(e))
            {
                return BulkItemResult.Skip(id, TaskBulkEndpoints.Unavailable);
            }
        }, cancellationToken);

    private static (Guid, DateTimeOffset) Keys(OrchestrationSummary orchestration) => (orchestration.Id, orchestration.CreatedAt);

    private static Func<Guid, CancellationToken, Task<bool>> Known(OrchestrationLookup orchestrations) =>
        async (id, cancellationToken) => (await orchestrations.KnownIdAsync(id.ToString(), cancellationToken)).Id is not null;
}
