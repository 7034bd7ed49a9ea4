namespace TaskOrchestrator.Tasks;

/// <summary>A task as it stands now: what was asked and what happened so far.</summary>
/// <param name="Id">The task's id (its grain key).</param>
/// <param name="Owner">The subject that owns the task.</param>
/// <param name="Url">The target URL.</param>
/// <param name="Method">The HTTP method.</param>
/// <param name="CreatedAt">When the task was accepted.</param>
/// <param name="DueAt">When it is (or was) due; changed by a reschedule.</param>
/// <param name="Status">Where the task is in its life.</param>
/// <param name="Attempts">How many attempts have started (more than one only after a silo died mid-call).</param>
/// <param name="StartedAt">When the first attempt started.</param>
/// <param name="FinishedAt">When the task reached Completed or Failed, or was cancelled.</param>
/// <param name="Response">What the target answered to the last attempt.</param>
/// <param name="OrchestrationId">The orchestration this task belongs to; null for a standalone task.</param>
[GenerateSerializer, Immutable, Alias("TaskOrchestrator.TaskSnapshot")]
public sealed record TaskSnapshot(
    [property: Id(0)] Guid Id,
    [property: Id(1)] string Owner,
    [property: Id(2)] string Url,
    [property: Id(3)] string Method,
    [property: Id(4)] DateTimeOffset CreatedAt,
    [property: Id(5)] DateTimeOffset DueAt,
    [property: Id(6)] ScheduledTaskStatus Status,
    [property: Id(7)] int Attempts,
    [property: Id(8)] DateTimeOffset? StartedAt,
    [property: Id(9)] DateTimeOffset? FinishedAt,
    [property: Id(10)] TaskResponse? Response,
    [property: Id(11)] Guid? OrchestrationId = null);
