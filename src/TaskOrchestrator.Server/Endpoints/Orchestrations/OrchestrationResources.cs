using System.Text.Json.Serialization;
using TaskOrchestrator.Orchestrations;
using TaskOrchestrator.Server.Endpoints.Callbacks;
using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Server.Endpoints.Orchestrations;

/// <summary>An orchestration as the API shows it; each step shows the check and fallback that apply to it. Headers and bodies are never echoed.</summary>
/// <param name="Id">The orchestration's id.</param>
/// <param name="CreatedAt">When it was accepted.</param>
/// <param name="StartAt">When its first step is due.</param>
/// <param name="InitialDelayInMs">Milliseconds from creation to the start.</param>
/// <param name="Status">Where it is in its life.</param>
/// <param name="FailureReason">Why it failed (TaskFailed or ConditionNotMet); absent unless Failed.</param>
/// <param name="CurrentStep">The index of the step running (or last run).</param>
/// <param name="FinishedAt">When it reached its final status.</param>
/// <param name="Steps">Every step, in order.</param>
/// <param name="ScheduleId">The recurring schedule whose occurrence (or trigger) created it, if any.</param>
/// <param name="ScheduledFor">The instant of that occurrence (its start).</param>
/// <param name="Labels">Its labels (empty for none).</param>
/// <param name="PreviousRuns">The failed runs retries resumed from, oldest first (the latest 20).</param>
/// <param name="Callback">Where its ending is reported, if anywhere.</param>
/// <param name="CallbackDelivery">How the report of its latest ending went, once it ended with an outcome the callback reports.</param>
public sealed record OrchestrationResource(
    Guid Id,
    DateTimeOffset CreatedAt,
    DateTimeOffset StartAt,
    [property: JsonPropertyName("initialDelayInMS")] long InitialDelayInMs,
    OrchestrationStatus Status,
    OrchestrationFailureReason? FailureReason,
    int CurrentStep,
    DateTimeOffset? FinishedAt,
    OrchestrationStepResource[] Steps,
    Guid? ScheduleId = null,
    DateTimeOffset? ScheduledFor = null,
    IReadOnlyDictionary<string, string>? Labels = null,
    OrchestrationPreviousRunResource[]? PreviousRuns = null,
    CallbackResource? Callback = null,
    CallbackDeliveryResource? CallbackDelivery = null)
{
    /// <summary>The subject that owns it: the caller's own, or for an admin, any owner's.</summary>
    public string? Owner { get; init; }

    /// <summary>Once finished: when it is removed with its step tasks (then every route answers 404 and listings no longer show it); absent while not finished.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Maps a grain snapshot to the API's shape.</summary>
    public static OrchestrationResource From(OrchestrationSnapshot o) => new(
        o.Id, o.CreatedAt, o.StartAt, (long)(o.StartAt - o.CreatedAt).TotalMilliseconds, o.Status, o.FailureReason, o.CurrentStep, o.FinishedAt,
        [.. o.Steps.Select(OrchestrationStepResource.From)], o.ScheduleId, o.ScheduledFor, o.Labels ?? OrchestrationSummaryResource.NoLabels,
        [.. (o.PreviousRuns ?? []).Select(OrchestrationPreviousRunResource.From)], CallbackResource.From(o.Callback), CallbackDeliveryResource.From(o.CallbackDelivery))
    {
        Owner = o.Owner,
        ExpiresAt = o.ExpiresAt,
    };
}

/// <summary>A failed run of an orchestration that a retry resumed from, as it ended.</summary>
/// <param name="FailedAt">When it failed.</param>
/// <param name="FailureReason">Why it failed.</param>
/// <param name="RetriedAt">When the retry resumed it.</param>
/// <param name="FailedStep">The step that failed, with its task, check attempts and fallback as they ended.</param>
public sealed record OrchestrationPreviousRunResource(
    DateTimeOffset FailedAt, OrchestrationFailureReason FailureReason, DateTimeOffset RetriedAt, OrchestrationStepResource FailedStep)
{
    /// <summary>Maps a kept failed run to the API's shape.</summary>
    public static OrchestrationPreviousRunResource From(OrchestrationPreviousRun run) =>
        new(run.FailedAt, run.FailureReason, run.RetriedAt, OrchestrationStepResource.From(run.FailedStep));
}

/// <summary>One step: its task, its check's attempts and its fallback.</summary>
/// <param name="Index">The step's position, from 0.</param>
/// <param name="TaskUrl">The URL its task calls.</param>
/// <param name="Method">The HTTP method its task calls with.</param>
/// <param name="Status">Where the step is.</param>
/// <param name="TaskId">Its task's id (a task visible under /tasks) once its turn came.</param>
/// <param name="TaskStatus">Its task's status, when known.</param>
/// <param name="ConditionCheck">The check that applies to it, with the attempts made.</param>
/// <param name="FallbackTaskUrl">The fallback that applies to it.</param>
/// <param name="FallbackTaskId">The fallback task's id, once it was scheduled.</param>
/// <param name="FallbackStatus">The fallback task's status, when known.</param>
public sealed record OrchestrationStepResource(
    int Index,
    [property: JsonPropertyName("taskURL")] string TaskUrl,
    string Method,
    OrchestrationStepStatus Status,
    Guid? TaskId,
    ScheduledTaskStatus? TaskStatus,
    ConditionCheckResource? ConditionCheck,
    [property: JsonPropertyName("fallbackTaskURL")] string? FallbackTaskUrl,
    Guid? FallbackTaskId,
    ScheduledTaskStatus? FallbackStatus)
{
    /// <summary>Maps a step snapshot to the API's shape.</summary>
    public static OrchestrationStepResource From(OrchestrationStepSnapshot s) => new(
        s.Index, s.Url, s.Method, s.Status, s.TaskId, s.TaskStatus,
        s.ConditionCheck is { } c ? ConditionCheckResource.From(c, s.CheckAttempts) : null,
        s.FallbackUrl, s.FallbackTaskId, s.FallbackStatus);
}

/// <summary>A condition check's settings and the attempts made so far.</summary>
/// <param name="TaskUrl">The URL each attempt calls.</param>
/// <param name="Method">The HTTP method each attempt calls with.</param>
/// <param name="DelayInMs">Milliseconds after the step's task finished before the first attempt.</param>
/// <param name="Retries">Further attempts after a first that did not pass.</param>
/// <param name="RetryDelayInMs">Milliseconds after an attempt finished before the next.</param>
/// <param name="Attempts">The attempts made so far.</param>
public sealed record ConditionCheckResource(
    [property: JsonPropertyName("taskURL")] string TaskUrl,
    string Method,
    [property: JsonPropertyName("delayInMS")] long DelayInMs,
    int Retries,
    [property: JsonPropertyName("retryDelayInMS")] long RetryDelayInMs,
    ConditionCheckAttemptResource[] Attempts)
{
    /// <summary>Maps a check and its attempts to the API's shape.</summary>
    public static ConditionCheckResource From(ConditionCheckDefinition c, IEnumerable<ConditionCheckAttempt> attempts) => new(
        c.Url, c.Method, (long)c.Delay.TotalMilliseconds, c.Retries, (long)c.RetryDelay.TotalMilliseconds,
        [.. attempts.Select(a => new ConditionCheckAttemptResource(a.TaskId, a.At, a.StatusCode, a.Passed))]);
}

/// <summary>One attempt of a condition check.</summary>
/// <param name="TaskId">The attempt's task id.</param>
/// <param name="At">When its call started.</param>
/// <param name="StatusCode">What the check's target answered; absent when it did not.</param>
/// <param name="Passed">True on a 2xx answer whose body is not the JSON literal false.</param>
public sealed record ConditionCheckAttemptResource(Guid TaskId, DateTimeOffset? At, int? StatusCode, bool Passed);

/// <summary>An orchestration in a listing: its progress without its steps.</summary>
/// <param name="Id">The orchestration's id.</param>
/// <param name="CreatedAt">When it was accepted.</param>
/// <param name="StartAt">When its first step is due.</param>
/// <param name="Status">Where it is in its life.</param>
/// <param name="FailureReason">Why it failed; absent unless Failed.</param>
/// <param name="TaskCount">How many steps it has.</param>
/// <param name="FinishedAt">When it reached its final status.</param>
/// <param name="ScheduleId">The recurring schedule that created it, if any.</param>
/// <param name="ScheduledFor">The instant of that schedule's occurrence.</param>
/// <param name="Labels">Its labels (empty for none).</param>
public sealed record OrchestrationSummaryResource(
    Guid Id, DateTimeOffset CreatedAt, DateTimeOffset StartAt, OrchestrationStatus Status, OrchestrationFailureReason? FailureReason,
    int TaskCount, DateTimeOffset? FinishedAt, Guid? ScheduleId = null, DateTimeOffset? ScheduledFor = null, IReadOnlyDictionary<string, string>? Labels = null)
{
    /// <summary>What resources without labels show.</summary>
    internal static readonly IReadOnlyDictionary<string, string> NoLabels = new Dictionary<string, string>();

    /// <summary>The subject that owns it: the caller's own, or for an admin, any owner's.</summary>
    public string? Owner { get; init; }

    /// <summary>Once finished: when it is removed.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Maps a listing row to the API's shape.</summary>
    public static OrchestrationSummaryResource From(OrchestrationSummary o) =>
        new(o.Id, o.CreatedAt, o.StartAt, o.Status, o.FailureReason, o.StepCount, o.FinishedAt, o.ScheduleId, o.ScheduledFor, o.Labels ?? NoLabels)
        {
            Owner = o.Owner,
            ExpiresAt = o.ExpiresAt,
        };
}

/// <summary>The body of <c>GET /orchestrations/{id}/status</c>.</summary>
/// <param name="Id">The orchestration's id.</param>
/// <param name="Status">Where it is in its life.</param>
/// <param name="FailureReason">Why it failed; absent unless Failed.</param>
/// <param name="CurrentStep">The index of the step running (or last run).</param>
public sealed record OrchestrationStatusResource(Guid Id, OrchestrationStatus Status, OrchestrationFailureReason? FailureReason, int CurrentStep);

/// <summary>The body of <c>PUT /orchestrations/{id}/cancel</c>.</summary>
/// <param name="Cancelled">Always true: an orchestration that can no longer be cancelled gets 409 instead.</param>
/// <param name="Id">The orchestration's id.</param>
/// <param name="Status">Cancelled.</param>
/// <param name="Orchestration">The whole orchestration.</param>
public sealed record CancelOrchestrationResponse(bool Cancelled, Guid Id, OrchestrationStatus Status, OrchestrationResource Orchestration);
