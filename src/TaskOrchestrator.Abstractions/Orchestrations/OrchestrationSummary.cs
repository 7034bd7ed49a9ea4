namespace TaskOrchestrator.Orchestrations;

/// <summary>An orchestration as listings show it: its progress without its steps.</summary>
/// <param name="Id">Its id.</param>
/// <param name="Owner">The subject that owns it.</param>
/// <param name="CreatedAt">When it was accepted.</param>
/// <param name="StartAt">When its first step is (or was) due.</param>
/// <param name="Status">Where it is in its life.</param>
/// <param name="FailureReason">Why it failed; null unless Failed.</param>
/// <param name="StepCount">How many steps it has.</param>
/// <param name="FinishedAt">When it reached a final status.</param>
/// <param name="ScheduleId">The recurring schedule that created it, or null.</param>
/// <param name="ScheduledFor">The instant of the schedule's occurrence that created it.</param>
/// <param name="Labels">Its labels; null for none.</param>
/// <param name="ExpiresAt">Once finished: when it is removed (listings hide it from then on).</param>
[GenerateSerializer, Immutable, Alias("TaskOrchestrator.OrchestrationSummary")]
public sealed record OrchestrationSummary(
    [property: Id(0)] Guid Id,
    [property: Id(1)] string Owner,
    [property: Id(2)] DateTimeOffset CreatedAt,
    [property: Id(3)] DateTimeOffset StartAt,
    [property: Id(4)] OrchestrationStatus Status,
    [property: Id(5)] OrchestrationFailureReason? FailureReason,
    [property: Id(6)] int StepCount,
    [property: Id(7)] DateTimeOffset? FinishedAt,
    [property: Id(8)] Guid? ScheduleId = null,
    [property: Id(9)] DateTimeOffset? ScheduledFor = null,
    [property: Id(10)] IReadOnlyDictionary<string, string>? Labels = null,
    [property: Id(40)] DateTimeOffset? ExpiresAt = null);
