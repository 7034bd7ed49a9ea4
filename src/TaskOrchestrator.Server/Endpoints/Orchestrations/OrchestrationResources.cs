using System.Text.Json.Serialization;
using TaskOrchestrator.Orchestrations;
using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Server.Endpoints.Orchestrations;

/// <summary>An orchestration as the API shows it; each step shows the check and fallback that apply to it. Headers and bodies are never echoed.</summary>
public sealed record OrchestrationResource(
    Guid Id,
    DateTimeOffset CreatedAt,
    DateTimeOffset StartAt,
    [property: JsonPropertyName("initialDelayInMS")] long InitialDelayInMs,
    OrchestrationStatus Status,
    OrchestrationFailureReason? FailureReason,
    int CurrentStep,
    DateTimeOffset? FinishedAt,
    OrchestrationStepResource[] Steps)
{
    /// <summary>Maps a grain snapshot to the API's shape.</summary>
    public static OrchestrationResource From(OrchestrationSnapshot o) => new(
        o.Id, o.CreatedAt, o.StartAt, (long)(o.StartAt - o.CreatedAt).TotalMilliseconds, o.Status, o.FailureReason, o.CurrentStep, o.FinishedAt,
        [.. o.Steps.Select(OrchestrationStepResource.From)]);
}

/// <summary>One step: its task, its check's attempts and its fallback.</summary>
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
public sealed record ConditionCheckAttemptResource(Guid TaskId, DateTimeOffset? At, int? StatusCode, bool Passed);

/// <summary>An orchestration in a listing: its progress without its steps.</summary>
public sealed record OrchestrationSummaryResource(
    Guid Id, DateTimeOffset CreatedAt, DateTimeOffset StartAt, OrchestrationStatus Status, OrchestrationFailureReason? FailureReason,
    int TaskCount, DateTimeOffset? FinishedAt)
{
    /// <summary>Maps a listing row to the API's shape.</summary>
    public static OrchestrationSummaryResource From(OrchestrationSummary o) =>
        new(o.Id, o.CreatedAt, o.StartAt, o.Status, o.FailureReason, o.StepCount, o.FinishedAt);
}

/// <summary>The body of <c>GET /orchestrations/{id}/status</c>.</summary>
public sealed record OrchestrationStatusResource(Guid Id, OrchestrationStatus Status, OrchestrationFailureReason? FailureReason, int CurrentStep);

/// <summary>The body of <c>PUT /orchestrations/{id}/cancel</c>.</summary>
public sealed record CancelOrchestrationResponse(bool Cancelled, Guid Id, OrchestrationStatus Status, OrchestrationResource Orchestration);
