using System.ComponentModel;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using TaskOrchestrator.Delivery;
using TaskOrchestrator.Delivery.Signing;
using TaskOrchestrator.Indexing;
using TaskOrchestrator.Network;
using TaskOrchestrator.Orchestrations;
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

using OrchestrationLookup = TaskOrchestrator.Server.Endpoints.ResourceLookup<TaskOrchestrator.Orchestrations.IOrchestrationGrain, TaskOrchestrator.Orchestrations.OrchestrationSnapshot>;

namespace TaskOrchestrator.Server.Endpoints.Orchestrations;

/// <summary>The <c>/orchestrations</c> routes: owner-scoped like tasks (another subject's orchestration is 404; admins see all).</summary>
public static class OrchestrationEndpoints
{
    /// <summary>Orchestrations, as the routes find them (<see cref="ResourceLookup{TGrain, TSnapshot}"/>).</summary>
    public static readonly ResourceKind<IOrchestrationGrain, OrchestrationSnapshot> Resource =
        new("orchestration", "an", "/orchestrations", grain => grain.GetAsync(), orchestration => orchestration.Owner);

    /// <summary>Maps every orchestration route under <c>/orchestrations</c>, each requiring a bearer token with a subject.</summary>
    public static IEndpointRouteBuilder MapOrchestrationEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/orchestrations").RequireAuthorization(AuthExtensions.TaskOwnerPolicy).WithTags("Orchestrations")
            .ProducesProtectedRouteProblems().ProducesLimitProblems();
        group.MapPost("/", CreateAsync).WithName("CreateOrchestration").RequireRateLimiting(AdmissionOptions.PolicyName)
            .WithSummary("Create an orchestration")
            .WithDescription(
                "Runs `tasks` one after another from `createdAt + initialDelayInMS`; after each step's task succeeds, its condition check " +
                "(the step's own or the default) decides whether the next runs; a check that never passes runs the fallback and fails the " +
                "orchestration. The older top-level names `conditionCheckTaskURL`, `timeDelayForConditionCheck`, `conditionCheckRetries` and " +
                "`timeDelayBetweenRetries` are accepted too (never together with `conditionCheck`'s fields).")
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity).ProducesBodyProblems().AcceptsIdempotencyKey();
        group.MapGet("/", ListAsync).WithName("ListOrchestrations")
            .WithSummary("List orchestrations, newest first")
            .WithDescription(
                "Summaries (no steps) of the caller's orchestrations (every owner's for an admin), optionally of one status and/or carrying labels " +
                "(`label=key:value`, repeatable, all must match; of the caller's own, for an admin too), paged like tasks: follow the `Link` header.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapGet("/{id}", GetAsync).WithName("GetOrchestration")
            .WithSummary("Get an orchestration with every step")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{id}/status", GetStatusAsync).WithName("GetOrchestrationStatus")
            .WithSummary("Get an orchestration's status")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPut("/{id}/cancel", CancelAsync).WithName("CancelOrchestration").RequireRateLimiting(AdmissionOptions.PolicyName)
            .WithSummary("Cancel an orchestration")
            .WithDescription("While Scheduled everything is cancelled; while Running the current step's call finishes and no further step runs. 409 once finished.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPatch("/{id}", UpdateAsync).WithName("UpdateOrchestration").RequireRateLimiting(AdmissionOptions.PolicyName)
            .WithSummary("Change an orchestration before it starts")
            .WithDescription(
                "A new `initialDelayInMS` (counted from creation) and/or a new definition (`tasks`, `conditionCheck`, `fallbackTaskURL`); " +
                "fields left out are kept; `labels` replaces all of them. Only while Scheduled: 409 after.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity).ProducesBodyProblems();
        group.MapPost("/{id}/retry", RetryAsync).WithName("RetryOrchestration").RequireRateLimiting(AdmissionOptions.PolicyName)
            .WithSummary("Resume a failed orchestration from its failed step")
            .WithDescription(
                "The step that failed runs again (a new task, then its condition check); the steps before it are not run again, and the failed run " +
                "is kept in `previousRuns`. Only a Failed orchestration whose fallback call has finished: 409 otherwise. Counts against the pending " +
                "orchestrations limit (429).")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapOrchestrationBulkEndpoints();
        return app;
    }

    private static async Task<Results<Created<OrchestrationResource>, IdempotentReplay<OrchestrationResource>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        OrchestrationRequest request, HttpContext context, ClaimsPrincipal user, IGrainFactory grains, TaskIdMinter ids, DeliveryDefaults defaults, TimeProvider time,
        TargetAddressPolicy network, AwsHostAllowlist aws, PendingQuota quota, IOptions<OrchestrationLimitOptions> limits,
        [FromHeader(Name = IdempotentCreation.KeyHeader), Description(IdempotentCreation.KeyDescription)] string? idempotencyKey)
    {
        var createdAt = time.GetUtcNow();
        var input = NormalizedOrchestrationRequest.From(request);
        var errors = OrchestrationRequestValidator.ValidateCreate(input, defaults.Policy.Retry);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The orchestration is not valid");
        }

        var definition = input.Request.ToDefinition(user.Subject(), createdAt, defaults.Policy);
        if (TooMuchWork(definition, limits.Value) is { } tooMuch)
        {
            return tooMuch;
        }

        if (TargetUrlGuard.Check(TargetUrlGuard.TargetsOf(definition, input.DefaultCheck.Url), network, aws, user) is { } blocked)
        {
            return blocked;
        }

        using var reservation = await quota.ReserveAsync(context, PendingKind.Orchestration);
        if (reservation.Problem is { } full)
        {
            return full;
        }

        // Orchestration ids are minted like task ids: version-7 GUIDs (the listing's keys come from their time), tagged.
        // The key is claimed for the request as the caller sent it, older names and all.
        var claim = await IdempotentCreation.ClaimAsync(grains, "orchestrations", user.Subject(), idempotencyKey, request, ids.Mint(createdAt));
        if (claim.Problem is { } refused)
        {
            return refused;
        }

        var id = claim.Id;
        OrchestrationCommandResult result;
        try
        {
            result = await grains.GetGrain<IOrchestrationGrain>(id).CreateAsync(definition with { IdempotencyKey = claim.ClaimKey });
        }
        catch (Exception e) when (Faults.IsUnavailable(e))
        {
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
            return IdempotentCreation.Replayed(OrchestrationResource.From(result.Orchestration!));
        }

        return result.Outcome == TaskCommandOutcome.Ok
            ? TypedResults.Created(Resource.PathOf(id), OrchestrationResource.From(result.Orchestration!))
            : RouteProblems.Conflict(result.Reason);
    }

    private static Task<Results<Ok<OrchestrationSummaryResource[]>, ProblemHttpResult>> ListAsync(
        HttpContext context,
        IOrchestrationIndex index,
        ScheduleOwners schedules,
        [Description("Only orchestrations with this status (case-insensitive): Scheduled, Running, Completed, Failed or Cancelled.")] string? status,
        [Description("Page size, 1 to 1000; default 100.")] string? limit,
        [Description("Where the page starts: the cursor from the previous page's Link header.")] string? after,
        [Description("Only the orchestrations this recurring schedule created (not with status).")] string? scheduleId,
        [Description("Only orchestrations carrying this label, as key:value; repeat for several, all must match.")] string[]? label) =>
        ListingRequest<OrchestrationStatus>.PageAsync(
            index, "/orchestrations", status, limit, after, context, OrchestrationSummaryResource.From, scheduleId, schedules, label);

    private static async Task<Results<Ok<OrchestrationResource>, ProblemHttpResult>> GetAsync(
        string id, ClaimsPrincipal user, OrchestrationLookup orchestrations, CancellationToken cancellationToken)
    {
        var (orchestration, problem) = await orchestrations.FindAsync(id, user, cancellationToken);
        return orchestration is null ? problem! : TypedResults.Ok(OrchestrationResource.From(orchestration));
    }

    private static async Task<Results<Ok<OrchestrationStatusResource>, ProblemHttpResult>> GetStatusAsync(
        string id, ClaimsPrincipal user, OrchestrationLookup orchestrations, CancellationToken cancellationToken)
    {
        var (o, problem) = await orchestrations.FindAsync(id, user, cancellationToken);
        return o is null ? problem! : TypedResults.Ok(new OrchestrationStatusResource(o.Id, o.Status, o.FailureReason, o.CurrentStep));
    }

    private static async Task<Results<Ok<CancelOrchestrationResponse>, ProblemHttpResult>> CancelAsync(
        string id, ClaimsPrincipal user, OrchestrationLookup orchestrations, CancellationToken cancellationToken)
    {
        var (orchestrationId, problem) = await orchestrations.KnownIdAsync(id, cancellationToken);
        if (orchestrationId is not { } found)
        {
            return problem!;
        }

        // One call: the grain checks the owner (another owner's orchestration is reported as missing).
        var result = await orchestrations.Grain(found).CancelAsync(user.OwnerScope());
        if (result.Outcome != TaskCommandOutcome.Ok)
        {
            return ProblemFor(orchestrations, found, result);
        }

        var cancelled = result.Orchestration!;
        return TypedResults.Ok(new CancelOrchestrationResponse(true, cancelled.Id, cancelled.Status, OrchestrationResource.From(cancelled)));
    }

    private static async Task<Results<Ok<OrchestrationResource>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        string id, OrchestrationRequest request, ClaimsPrincipal user, OrchestrationLookup orchestrations, DeliveryDefaults defaults, TargetAddressPolicy network,
        AwsHostAllowlist aws, IOptions<OrchestrationLimitOptions> limits, CancellationToken cancellationToken)
    {
        var (orchestrationId, problem) = await orchestrations.KnownIdAsync(id, cancellationToken);
        if (orchestrationId is not { } found)
        {
            return problem!;
        }

        var input = NormalizedOrchestrationRequest.From(request);
        var errors = OrchestrationRequestValidator.ValidateChange(input, defaults.Policy.Retry);
        var change = errors.Count > 0 ? null : input.Request.ToChange(defaults.Policy, limits.Value.MaxCalls);

        // Fallbacks use the orchestration's delivery settings: when the change leaves them as stored, the call-time check
        // (before each call is signed) is what stands between a fallback URL and AWS SigV4.
        var refused = change is null ? null : TargetUrlGuard.Check(TargetUrlGuard.TargetsOf(change, input.DefaultCheck.Url), network, aws, user);
        if (change is null || refused is not null)
        {
            // Only the owner hears what is wrong with its change: anyone else's is a 404, as a valid one is.
            var (orchestration, notFound) = await orchestrations.FindAsync(found, user);
            return orchestration is null ? notFound!
                : refused is not null ? refused
                : TypedResults.ValidationProblem(errors, title: "The change is not valid");
        }

        // The grain checks the owner, counts the delay from the creation, and checks the work limit against the
        // definition it holds (so that two changes at once cannot together exceed it).
        var result = await orchestrations.Grain(found).ModifyAsync(change, user.OwnerScope());
        return result.Outcome == TaskCommandOutcome.Ok ? TypedResults.Ok(OrchestrationResource.From(result.Orchestration!)) : ProblemFor(orchestrations, found, result);
    }

    private static async Task<Results<Ok<OrchestrationResource>, ProblemHttpResult>> RetryAsync(
        string id, HttpContext context, ClaimsPrincipal user, OrchestrationLookup orchestrations, PendingQuota quota, CancellationToken cancellationToken)
    {
        var (orchestrationId, problem) = await orchestrations.KnownIdAsync(id, cancellationToken);
        if (orchestrationId is not { } found)
        {
            return problem!;
        }

        using var reservation = await quota.ReserveAsync(context, PendingKind.Orchestration);
        if (reservation.Problem is { } full)
        {
            return full;
        }

        // One call: the grain checks the owner and the status.
        var result = await orchestrations.Grain(found).RetryAsync(user.OwnerScope());
        if (result.Outcome != TaskCommandOutcome.Ok)
        {
            return ProblemFor(orchestrations, found, result);
        }

        reservation.Keep();
        return TypedResults.Ok(OrchestrationResource.From(result.Orchestration!));
    }

    // A change that would make too much work is refused by the grain (against the definition it holds) as Invalid.
    private static ProblemHttpResult ProblemFor(OrchestrationLookup orchestrations, Guid id, OrchestrationCommandResult result) =>
        result.Outcome == TaskCommandOutcome.Invalid ? TooMuchWork(result.Reason) : orchestrations.Refused(id, result.Outcome, result.Reason);

    /// <summary>422 when <paramref name="definition"/> could make more calls than the limit allows; null when it is within it.</summary>
    private static ProblemHttpResult? TooMuchWork(OrchestrationDefinition definition, OrchestrationLimitOptions limits)
    {
        var calls = OrchestrationWork.MaxCalls(definition);
        return calls > limits.MaxCalls ? TooMuchWork(OrchestrationWork.Refusal(calls, limits.MaxCalls)) : null;
    }

    private static ProblemHttpResult TooMuchWork(string? detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Too much work for one orchestration", detail: detail);
}
