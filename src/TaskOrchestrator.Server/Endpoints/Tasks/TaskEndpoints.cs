using System.ComponentModel;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using TaskOrchestrator.Delivery;
using TaskOrchestrator.Delivery.Signing;
using TaskOrchestrator.Indexing;
using TaskOrchestrator.Network;
using TaskOrchestrator.Quotas;
using TaskOrchestrator.Server.Auth;
using TaskOrchestrator.Server.Endpoints.Idempotency;
using TaskOrchestrator.Server.Endpoints.Schedules;
using TaskOrchestrator.Server.Errors;
using TaskOrchestrator.Server.Hosting;
using TaskOrchestrator.Server.Limits;
using TaskOrchestrator.Server.OpenApi;
using TaskOrchestrator.Storage;
using TaskOrchestrator.Tasks;

using TaskLookup = TaskOrchestrator.Server.Endpoints.ResourceLookup<TaskOrchestrator.Tasks.ITaskGrain, TaskOrchestrator.Tasks.TaskSnapshot>;

namespace TaskOrchestrator.Server.Endpoints.Tasks;

/// <summary>The <c>/tasks</c> routes.</summary>
public static class TaskEndpoints
{
    /// <summary>Tasks, as the routes find them (<see cref="ResourceLookup{TGrain, TSnapshot}"/>).</summary>
    public static readonly ResourceKind<ITaskGrain, TaskSnapshot> Resource = new("task", "a", "/tasks", grain => grain.GetAsync(), task => task.Owner);

    /// <summary>Maps every task route under <c>/tasks</c>, each requiring a bearer token with a subject.</summary>
    public static IEndpointRouteBuilder MapTaskEndpoints(this IEndpointRouteBuilder app)
    {
        var tasks = app.MapGroup("/tasks").RequireAuthorization(AuthExtensions.TaskOwnerPolicy).WithTags("Tasks").ProducesProtectedRouteProblems()
            .ProducesLimitProblems();
        tasks.MapPost("/", CreateAsync).WithName("CreateTask").RequireRateLimiting(AdmissionOptions.PolicyName)
            .WithSummary("Schedule a call")
            .WithDescription("Calls `taskURL` at `createdAt + delayInMS` (or at `runAt`; a past time means now), never earlier. Headers and body are sent with the call and never echoed back.")
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity).ProducesBodyProblems().AcceptsIdempotencyKey();
        tasks.MapGet("/", ListAsync).WithName("ListTasks")
            .WithSummary("List tasks, newest first")
            .WithDescription(
                "The caller's tasks (every owner's for an admin), optionally of one status and/or carrying labels (`label=key:value`, repeatable, " +
                "all must match; a label listing is of the caller's own tasks, for an admin too), a page at a time; follow the `Link` header for the next page.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        tasks.MapGet("/{id}", GetAsync).WithName("GetTask")
            .WithSummary("Get a task")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        tasks.MapGet("/{id}/status", GetStatusAsync).WithName("GetTaskStatus")
            .WithSummary("Get a task's status")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        tasks.MapPut("/{id}/cancel", CancelAsync).WithName("CancelTask").RequireRateLimiting(AdmissionOptions.PolicyName)
            .WithSummary("Cancel a task")
            .WithDescription("200 when the task is (now or already) cancelled, including while a failed attempt waits for its retry; 409 while an attempt is in flight or once finished.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        tasks.MapPatch("/{id}", UpdateAsync).WithName("UpdateTask").RequireRateLimiting(AdmissionOptions.PolicyName)
            .WithSummary("Move a task's due time or change its labels")
            .WithDescription("`delayInMS` counts from the task's creation (so `dueAt = createdAt + delayInMS`), or give `runAt`; a time already past means now. `labels` replaces all of them. 409 once running or finished.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).ProducesBodyProblems();
        tasks.MapPost("/{id}/rerun", RerunAsync).WithName("RerunTask").RequireRateLimiting(AdmissionOptions.PolicyName)
            .WithSummary("Run a finished task again")
            .WithDescription(
                "Creates a new task with the same call, delivery settings and labels as a Completed, Failed or Cancelled task, due now unless the body " +
                "gives `delayInMS` (from now) or `runAt`. 201 with the new task (its `rerunOf` is the original's id; the original lists it in `reruns`). " +
                "409 while the task is Scheduled or Running. Counts against the pending tasks limit (429).")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesBodyProblems();
        tasks.MapTaskBulkEndpoints();
        return app;
    }

    private static async Task<Results<Created<TaskResource>, IdempotentReplay<TaskResource>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreateTaskRequest request, HttpContext context, ClaimsPrincipal user, IGrainFactory grains, TaskIdMinter ids, DeliveryDefaults defaults, TimeProvider time,
        TargetAddressPolicy network, AwsHostAllowlist aws, PendingQuota quota,
        [FromHeader(Name = IdempotentCreation.KeyHeader), Description(IdempotentCreation.KeyDescription)] string? idempotencyKey)
    {
        var createdAt = time.GetUtcNow();
        var errors = TaskRequestValidator.ValidateCreate(request, defaults.Policy.Retry, createdAt);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The task is not valid");
        }

        var definition = request.ToDefinition(user.Subject(), createdAt, defaults.Policy);
        if (TargetUrlGuard.Check(TargetUrlGuard.TargetsOf(definition), network, aws, user) is { } blocked)
        {
            return blocked;
        }

        using var reservation = await quota.ReserveAsync(context, PendingKind.Task);
        if (reservation.Problem is { } full)
        {
            return full;
        }

        var claim = await IdempotentCreation.ClaimAsync(grains, "tasks", user.Subject(), idempotencyKey, request, ids.Mint(createdAt));
        if (claim.Problem is { } refused)
        {
            return refused;
        }

        var id = claim.Id;
        TaskCommandResult result;
        try
        {
            result = await grains.GetGrain<ITaskGrain>(id).ScheduleAsync(definition with { IdempotencyKey = claim.ClaimKey });
        }
        catch (Exception e) when (Faults.IsUnavailable(e))
        {
            // It may exist: its place is kept (the owner's count is corrected at its next recount if it does not).
            reservation.Keep();
            return UnknownOutcome.Problem(context, Resource.Noun, id, Resource.PathOf(id));
        }

        if (result.Outcome == TaskCommandOutcome.Ok)
        {
            reservation.Keep();
        }

        if (result.Outcome == TaskCommandOutcome.NotFound)
        {
            return IdempotentCreation.Expired(Resource.Noun);
        }

        if (claim.AnswersAsReplay(idTaken: result.Outcome == TaskCommandOutcome.Conflict))
        {
            return IdempotentCreation.Replayed(TaskResource.From(result.Task!, defaults.Policy.Timeout));
        }

        if (result.Outcome != TaskCommandOutcome.Ok)
        {
            return RouteProblems.Conflict(result.Reason);
        }

        return TypedResults.Created(Resource.PathOf(id), TaskResource.From(result.Task!, defaults.Policy.Timeout));
    }

    private static Task<Results<Ok<TaskResource[]>, ProblemHttpResult>> ListAsync(
        HttpContext context,
        ITaskIndex index,
        DeliveryDefaults defaults,
        ScheduleOwners schedules,
        [Description("Only tasks with this status (case-insensitive): Scheduled, Running, Completed, Failed or Cancelled.")] string? status,
        [Description("Page size, 1 to 1000; default 100.")] string? limit,
        [Description("Where the page starts: the cursor from the previous page's Link header.")] string? after,
        [Description("Only the tasks this recurring schedule created (not with status).")] string? scheduleId,
        [Description("Only tasks carrying this label, as key:value (e.g. team:billing); repeat for several, all must match.")] string[]? label) =>
        ListingRequest<ScheduledTaskStatus>.PageAsync(
            index, Resource.Path, status, limit, after, context, task => TaskResource.From(task, defaults.Policy.Timeout), scheduleId, schedules, label);

    private static async Task<Results<Ok<TaskResource>, ProblemHttpResult>> GetAsync(
        string id, ClaimsPrincipal user, TaskLookup tasks, DeliveryDefaults defaults, CancellationToken cancellationToken)
    {
        var (task, problem) = await tasks.FindAsync(id, user, cancellationToken);
        return task is null ? problem! : TypedResults.Ok(TaskResource.From(task, defaults.Policy.Timeout));
    }

    private static async Task<Results<Ok<TaskStatusResource>, ProblemHttpResult>> GetStatusAsync(
        string id, ClaimsPrincipal user, TaskLookup tasks, CancellationToken cancellationToken)
    {
        var (task, problem) = await tasks.FindAsync(id, user, cancellationToken);
        return task is null ? problem! : TypedResults.Ok(new TaskStatusResource(task.Id, task.Status));
    }

    private static async Task<Results<Ok<CancelTaskResponse>, ProblemHttpResult>> CancelAsync(
        string id, ClaimsPrincipal user, TaskLookup tasks, DeliveryDefaults defaults, CancellationToken cancellationToken)
    {
        var (taskId, problem) = await tasks.KnownIdAsync(id, cancellationToken);
        if (taskId is not { } found)
        {
            return problem!;
        }

        // One call: the grain checks the owner (another owner's task is reported as missing).
        var result = await tasks.Grain(found).CancelAsync(user.OwnerScope());
        if (result.Outcome != TaskCommandOutcome.Ok)
        {
            return tasks.Refused(found, result.Outcome, result.Reason);
        }

        var cancelled = result.Task!;
        return TypedResults.Ok(new CancelTaskResponse(true, cancelled.Id, cancelled.Status, TaskResource.From(cancelled, defaults.Policy.Timeout)));
    }

    private static async Task<Results<Ok<TaskResource>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        string id, UpdateTaskRequest request, ClaimsPrincipal user, TaskLookup tasks, DeliveryDefaults defaults, TimeProvider time, CancellationToken cancellationToken)
    {
        var (taskId, problem) = await tasks.KnownIdAsync(id, cancellationToken);
        if (taskId is not { } found)
        {
            return problem!;
        }

        var now = time.GetUtcNow();
        var errors = TaskRequestValidator.ValidateUpdate(request, now);
        if (errors.Count > 0)
        {
            // Only the owner hears what is wrong with its change: anyone else's invalid change of a task is a 404, as a valid one is.
            var (task, notFound) = await tasks.FindAsync(found, user);
            return task is null ? notFound! : TypedResults.ValidationProblem(errors, title: "The change is not valid");
        }

        // One call: the grain checks the owner and counts delayInMS from its creation.
        var result = await tasks.Grain(found).ChangeAsync(request.ToChange(now), user.OwnerScope());
        return result.Outcome == TaskCommandOutcome.Ok
            ? TypedResults.Ok(TaskResource.From(result.Task!, defaults.Policy.Timeout))
            : tasks.Refused(found, result.Outcome, result.Reason);
    }

    private static async Task<Results<Created<TaskResource>, ValidationProblem, ProblemHttpResult>> RerunAsync(
        string id, RerunTaskRequest? request, HttpContext context, ClaimsPrincipal user, TaskLookup tasks, TaskIdMinter ids, DeliveryDefaults defaults,
        TimeProvider time, PendingQuota quota, CancellationToken cancellationToken)
    {
        var (taskId, problem) = await tasks.KnownIdAsync(id, cancellationToken);
        if (taskId is not { } found)
        {
            return problem!;
        }

        var now = time.GetUtcNow();
        var errors = TaskRequestValidator.ValidateRerun(request, now);
        if (errors.Count > 0)
        {
            var (task, notFound) = await tasks.FindAsync(found, user);
            return task is null ? notFound! : TypedResults.ValidationProblem(errors, title: "The rerun is not valid");
        }

        using var reservation = await quota.ReserveAsync(context, PendingKind.Task);
        if (reservation.Problem is { } full)
        {
            return full;
        }

        // One call: the grain checks the owner and the status, and schedules the new task itself.
        var result = await tasks.Grain(found).RerunAsync(ids.Mint(now), request.RerunDueAt(now), user.OwnerScope());
        if (result.Outcome != TaskCommandOutcome.Ok)
        {
            return tasks.Refused(found, result.Outcome, result.Reason);
        }

        reservation.Keep();
        var rerun = result.Rerun!;
        return TypedResults.Created(Resource.PathOf(rerun.Id), TaskResource.From(rerun, defaults.Policy.Timeout));
    }
}
