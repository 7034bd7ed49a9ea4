using System.ComponentModel;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using TaskOrchestrator.Delivery;
using TaskOrchestrator.Delivery.Signing;
using TaskOrchestrator.Indexing;
using TaskOrchestrator.Listing;
using TaskOrchestrator.Network;
using TaskOrchestrator.Quotas;
using TaskOrchestrator.Schedules;
using TaskOrchestrator.Server.Auth;
using TaskOrchestrator.Server.Endpoints.Idempotency;
using TaskOrchestrator.Server.Endpoints.Labels;
using TaskOrchestrator.Server.Errors;
using TaskOrchestrator.Server.Hosting;
using TaskOrchestrator.Server.Limits;
using TaskOrchestrator.Server.OpenApi;
using TaskOrchestrator.Storage;
using TaskOrchestrator.Tasks;

using ScheduleLookup = TaskOrchestrator.Server.Endpoints.ResourceLookup<TaskOrchestrator.Schedules.IScheduleGrain, TaskOrchestrator.Schedules.ScheduleSnapshot>;

namespace TaskOrchestrator.Server.Endpoints.Schedules;

/// <summary>The <c>/schedules</c> routes: owner-scoped like tasks (another subject's schedule is 404; admins see all).</summary>
public static class ScheduleEndpoints
{
    /// <summary>Schedules, as the routes find them (<see cref="ResourceLookup{TGrain, TSnapshot}"/>).</summary>
    public static readonly ResourceKind<IScheduleGrain, ScheduleSnapshot> Resource = new("schedule", "a", "/schedules", grain => grain.GetAsync(), s => s.Definition.Owner);

    /// <summary>Maps every schedule route under <c>/schedules</c>, each requiring a bearer token with a subject.</summary>
    public static IEndpointRouteBuilder MapScheduleEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/schedules").RequireAuthorization(AuthExtensions.TaskOwnerPolicy).WithTags("Schedules")
            .ProducesProtectedRouteProblems().ProducesLimitProblems();
        group.MapPost("/", CreateAsync).WithName("CreateSchedule").RequireRateLimiting(AdmissionOptions.PolicyName)
            .WithSummary("Create a recurring schedule")
            .WithDescription(
                "Runs `task` (or `orchestration`) at every occurrence of `cron` (read in `timeZone`) or of `everyInMS`, from `startAt` to `endAt`. " +
                "Each occurrence creates an ordinary task due on its instant (an orchestration starting then), with `scheduleId` and `scheduledFor`; " +
                "creating it again finds the one that exists, so no occurrence runs twice. 422 for a cadence that cannot be read or never fires.")
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity).ProducesBodyProblems().AcceptsIdempotencyKey();
        group.MapGet("/", ListAsync).WithName("ListSchedules")
            .WithSummary("List schedules, newest first")
            .WithDescription("The caller's schedules (every owner's for an admin), optionally Active or Paused, paged like tasks: follow the `Link` header. `recentRuns` is read from each schedule.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapGet("/{id}", GetAsync).WithName("GetSchedule")
            .WithSummary("Get a schedule with its next and recent runs")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPatch("/{id}", UpdateAsync).WithName("UpdateSchedule").RequireRateLimiting(AdmissionOptions.PolicyName)
            .WithSummary("Change a schedule")
            .WithDescription("Any field of the create body but `paused`; it takes effect from the next occurrence not yet created (a run is created 2 s before its instant).")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity).ProducesBodyProblems();
        group.MapPut("/{id}/pause", PauseAsync).WithName("PauseSchedule").RequireRateLimiting(AdmissionOptions.PolicyName)
            .WithSummary("Pause a schedule")
            .WithDescription("No occurrence is created until it is resumed; runs already created go on. Pausing twice is fine.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPut("/{id}/resume", ResumeAsync).WithName("ResumeSchedule").RequireRateLimiting(AdmissionOptions.PolicyName)
            .WithSummary("Resume a schedule")
            .WithDescription("Occurrences are created again from the next one after now; those that came while paused are not caught up. Resuming twice is fine.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id}/trigger", TriggerAsync).WithName("TriggerSchedule").RequireRateLimiting(AdmissionOptions.PolicyName)
            .WithSummary("Run a schedule once now")
            .WithDescription("Creates one run now, outside the cadence (whatever the overlap policy; also while paused): 201 with its `Location`.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapDelete("/{id}", DeleteAsync).WithName("DeleteSchedule").RequireRateLimiting(AdmissionOptions.PolicyName)
            .WithSummary("Delete a schedule")
            .WithDescription("No further occurrence is created (one created ahead of its instant and not started is cancelled); the runs it created stay. 204.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<Results<Created<ScheduleResource>, IdempotentReplay<ScheduleResource>, ProblemHttpResult>> CreateAsync(
        ScheduleRequest request, HttpContext context, ClaimsPrincipal user, IGrainFactory grains, TaskIdMinter ids, DeliveryDefaults defaults, TimeProvider time,
        TargetAddressPolicy network, AwsHostAllowlist aws, PendingQuota quota, ScheduleLookup schedules, IOptions<ScheduleOptions> options, IOptions<OrchestrationLimitOptions> limits,
        [FromHeader(Name = IdempotentCreation.KeyHeader), Description(IdempotentCreation.KeyDescription)] string? idempotencyKey)
    {
        var now = time.GetUtcNow();
        var errors = ScheduleRequestValidator.Validate(request, create: true, defaults.Policy, options.Value, limits.Value.MaxCalls, now, out var parts);
        if (errors.Count > 0)
        {
            return Invalid(errors);
        }

        if (TargetUrlGuard.Check(parts.Targets(), network, aws, user) is { } blocked)
        {
            return blocked;
        }

        using var reservation = await quota.ReserveAsync(context, PendingKind.Schedule);
        if (reservation.Problem is { } full)
        {
            return full;
        }

        var claim = await IdempotentCreation.ClaimAsync(grains, "schedules", user.Subject(), idempotencyKey, request, ids.Mint(now));
        if (claim.Problem is { } refused)
        {
            return refused;
        }

        var id = claim.Id;
        var definition = new ScheduleDefinition(
            user.Subject(), now, parts.Cron?.Trim(), parts.Every, parts.TimeZone ?? "UTC", parts.StartAt, parts.EndAt, parts.Overlap ?? ScheduleOverlap.Skip,
            parts.CatchUp ?? ScheduleCatchUp.Latest, parts.CatchUpWindow ?? options.Value.DefaultCatchUpWindow, parts.Target!,
            LabelRules.ToLabels(request.Labels) is { Count: > 0 } labels ? labels : null, parts.Callback);
        ScheduleCommandResult result;
        try
        {
            result = await grains.GetGrain<IScheduleGrain>(id).CreateAsync(definition, request.Paused == true);
        }
        catch (Exception e) when (Faults.IsUnavailable(e))
        {
            reservation.Keep();
            return UnknownOutcome.Problem(context, "schedule", id, $"/schedules/{id}");
        }

        if (result.Outcome == TaskCommandOutcome.Ok)
        {
            reservation.Keep();
        }

        if (claim.AnswersAsReplay(idTaken: result.Outcome == TaskCommandOutcome.Conflict))
        {
            return IdempotentCreation.Replayed(ToResource(result.Schedule!, null));
        }

        return result.Outcome == TaskCommandOutcome.Ok
            ? TypedResults.Created($"/schedules/{id}", ToResource(result.Schedule!, null))
            : ProblemFor(schedules, id, result);
    }

    private static async Task<Results<Ok<ScheduleResource[]>, ProblemHttpResult>> ListAsync(
        HttpContext context,
        IScheduleIndex index,
        TimeProvider time,
        [Description("Only schedules with this status (case-insensitive): Active or Paused.")] string? status,
        [Description("Page size, 1 to 1000; default 100.")] string? limit,
        [Description("Where the page starts: the cursor from the previous page's Link header.")] string? after,
        [Description("Only schedules carrying this label, as key:value; repeat for several, all must match.")] string[]? label)
    {
        var now = time.GetUtcNow();
        return await ListingRequest<ScheduleStatus>.PageAsync(index, Resource.Path, status, limit, after, context, s => ScheduleResource.From(
            s.Id, s.Definition, s.Status, s.UpdatedAt, s.Status == ScheduleStatus.Active ? Cadence.Of(s.Definition).Upcoming(now, 5) : [], null), labels: label);
    }

    private static async Task<Results<Ok<ScheduleResource>, ProblemHttpResult>> GetAsync(
        string id, ClaimsPrincipal user, ScheduleLookup schedules, ITaskIndex tasks, IOrchestrationIndex orchestrations, CancellationToken cancellationToken)
    {
        var (schedule, problem) = await schedules.FindAsync(id, user, cancellationToken);
        if (schedule is null)
        {
            return problem!;
        }

        // How each recent run ended so far: one listing page of the schedule's runs.
        var runs = new ListingQuery<ScheduledTaskStatus>(schedule.Definition.Owner, null, ScheduleGrainState.MaxRuns, null, ListingKeys.ScheduleGroup(schedule.Id));
        var outcomes = schedule.Definition.Target.Task is not null
            ? (await tasks.ListAsync(runs, cancellationToken)).Items.ToDictionary(t => t.Id, t => t.Status.ToString())
            : (await orchestrations.ListAsync(new(runs.Owner, null, runs.Limit, null, runs.Group), cancellationToken)).Items.ToDictionary(o => o.Id, o => o.Status.ToString());
        return TypedResults.Ok(ToResource(schedule, outcomes));
    }

    private static async Task<Results<Ok<ScheduleResource>, ProblemHttpResult>> UpdateAsync(
        string id, ScheduleRequest request, ClaimsPrincipal user, ScheduleLookup schedules, DeliveryDefaults defaults, TimeProvider time,
        TargetAddressPolicy network, AwsHostAllowlist aws, IOptions<ScheduleOptions> options, IOptions<OrchestrationLimitOptions> limits, CancellationToken cancellationToken)
    {
        var (scheduleId, problem) = await schedules.KnownIdAsync(id, cancellationToken);
        if (scheduleId is not { } found)
        {
            return problem!;
        }

        var errors = ScheduleRequestValidator.Validate(request, create: false, defaults.Policy, options.Value, limits.Value.MaxCalls, time.GetUtcNow(), out var parts);
        if (request.Paused is not null)
        {
            errors["paused"] = ["Pause and resume with PUT /schedules/{id}/pause and /resume."];
        }
        else if (errors.Count == 0 && parts.IsEmpty && request.Labels is null)
        {
            errors["body"] = ["Give at least one field to change."];
        }

        var blocked = errors.Count > 0 ? null : TargetUrlGuard.Check(parts.Targets(), network, aws, user);
        if (errors.Count > 0 || blocked is not null)
        {
            // Only the owner hears what is wrong with its change: anyone else's is a 404, as a valid one is.
            var (schedule, notFound) = await schedules.FindAsync(found, user);
            return schedule is null ? notFound! : blocked ?? Invalid(errors);
        }

        var change = new ScheduleChange(
            parts.Cron?.Trim(), parts.Every, parts.TimeZone, parts.StartAt, parts.EndAt, parts.Overlap, parts.CatchUp, parts.CatchUpWindow, parts.Target,
            Labels: LabelRules.ToLabels(request.Labels), Callback: parts.Callback);
        var result = await schedules.Grain(found).UpdateAsync(change, user.OwnerScope());
        return result.Outcome == TaskCommandOutcome.Ok ? TypedResults.Ok(ToResource(result.Schedule!, null)) : ProblemFor(schedules, found, result);
    }

    private static Task<Results<Ok<ScheduleResource>, ProblemHttpResult>> PauseAsync(
        string id, ClaimsPrincipal user, ScheduleLookup schedules, CancellationToken cancellationToken) =>
        CommandAsync(id, schedules, cancellationToken, grain => grain.PauseAsync(user.OwnerScope()));

    private static Task<Results<Ok<ScheduleResource>, ProblemHttpResult>> ResumeAsync(
        string id, ClaimsPrincipal user, ScheduleLookup schedules, CancellationToken cancellationToken) =>
        CommandAsync(id, schedules, cancellationToken, grain => grain.ResumeAsync(user.OwnerScope()));

    private static async Task<Results<Created<ScheduleRunResource>, ProblemHttpResult>> TriggerAsync(
        string id, ClaimsPrincipal user, ScheduleLookup schedules, CancellationToken cancellationToken)
    {
        var (scheduleId, problem) = await schedules.KnownIdAsync(id, cancellationToken);
        if (scheduleId is not { } found)
        {
            return problem!;
        }

        var result = await schedules.Grain(found).TriggerAsync(user.OwnerScope());
        if (result.Outcome != TaskCommandOutcome.Ok)
        {
            return ProblemFor(schedules, found, result);
        }

        var run = result.Run!;
        var location = run.TaskId is { } taskId ? $"/tasks/{taskId}" : $"/orchestrations/{run.OrchestrationId}";
        return TypedResults.Created(location, ScheduleRunResource.From(run, nameof(ScheduledTaskStatus.Scheduled)));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string id, ClaimsPrincipal user, ScheduleLookup schedules, CancellationToken cancellationToken)
    {
        var (scheduleId, problem) = await schedules.KnownIdAsync(id, cancellationToken);
        if (scheduleId is not { } found)
        {
            return problem!;
        }

        var result = await schedules.Grain(found).DeleteAsync(user.OwnerScope());
        return result.Outcome == TaskCommandOutcome.Ok ? TypedResults.NoContent() : ProblemFor(schedules, found, result);
    }

    private static async Task<Results<Ok<ScheduleResource>, ProblemHttpResult>> CommandAsync(
        string id, ScheduleLookup schedules, CancellationToken cancellationToken, Func<IScheduleGrain, Task<ScheduleCommandResult>> command)
    {
        var (scheduleId, problem) = await schedules.KnownIdAsync(id, cancellationToken);
        if (scheduleId is not { } found)
        {
            return problem!;
        }

        var result = await command(schedules.Grain(found));
        return result.Outcome == TaskCommandOutcome.Ok ? TypedResults.Ok(ToResource(result.Schedule!, null)) : ProblemFor(schedules, found, result);
    }

    private static ScheduleResource ToResource(ScheduleSnapshot s, IReadOnlyDictionary<Guid, string>? outcomes) =>
        ScheduleResource.From(s.Id, s.Definition, s.Status, s.UpdatedAt, s.NextRuns, s.RecentRuns, outcomes);

    private static ProblemHttpResult ProblemFor(ScheduleLookup schedules, Guid id, ScheduleCommandResult result) => result.Outcome == TaskCommandOutcome.Invalid
        ? TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "The schedule is not valid", detail: result.Reason)
        : schedules.Refused(id, result.Outcome, result.Reason);

    private static ProblemHttpResult Invalid(Dictionary<string, string[]> errors)
    {
        var (field, problems) = errors.First();
        return TypedResults.Problem(
            statusCode: StatusCodes.Status422UnprocessableEntity,
            title: "The schedule is not valid",
            detail: errors.Count == 1 ? $"{field}: {problems[0]}" : $"{errors.Count} fields are not valid; the first, {field}: {problems[0]}",
            extensions: new Dictionary<string, object?> { ["errors"] = errors });
    }


}
