using TaskOrchestrator.Callbacks;

namespace TaskOrchestrator.Orchestrations;

/// <summary>An orchestration as it stands now.</summary>
/// <param name="Id">Its id (the grain key).</param>
/// <param name="Owner">The subject that owns it.</param>
/// <param name="CreatedAt">When it was accepted.</param>
/// <param name="StartAt">When its first step is (or was) due.</param>
/// <param name="Status">Where it is in its life.</param>
/// <param name="FailureReason">Why it failed; null unless Failed.</param>
/// <param name="CurrentStep">The index of the step in progress, or of the last one reached once it ended.</param>
/// <param name="FinishedAt">When it reached Completed, Failed or Cancelled.</param>
/// <param name="Steps">Every step, in order, with what happened so far.</param>
/// <param name="ScheduleId">The recurring schedule that created it, or null.</param>
/// <param name="ScheduledFor">The instant of the schedule's occurrence that created it.</param>
/// <param name="Labels">Its labels; null for none.</param>
/// <param name="PreviousRuns">The failed runs a retry resumed from, oldest first (the latest 20); null for none.</param>
/// <param name="ExpiresAt">Once finished: when it is removed with its step tasks (its finish plus its retention); null while not finished.</param>
/// <param name="Callback">Where its ending is reported, if anywhere.</param>
/// <param name="CallbackDelivery">How the report of its latest ending went; null until it ends in a way <paramref name="Callback"/> reports.</param>
[GenerateSerializer, Immutable, Alias("TaskOrchestrator.OrchestrationSnapshot")]
public sealed record OrchestrationSnapshot(
    [property: Id(0)] Guid Id,
    [property: Id(1)] string Owner,
    [property: Id(2)] DateTimeOffset CreatedAt,
    [property: Id(3)] DateTimeOffset StartAt,
    [property: Id(4)] OrchestrationStatus Status,
    [property: Id(5)] OrchestrationFailureReason? FailureReason,
    [property: Id(6)] int CurrentStep,
    [property: Id(7)] DateTimeOffset? FinishedAt,
    [property: Id(8)] IReadOnlyList<OrchestrationStepSnapshot> Steps,
    [property: Id(9)] Guid? ScheduleId = null,
    [property: Id(10)] DateTimeOffset? ScheduledFor = null,
    [property: Id(11)] IReadOnlyDictionary<string, string>? Labels = null,
    [property: Id(12)] IReadOnlyList<OrchestrationPreviousRun>? PreviousRuns = null,
    [property: Id(40)] DateTimeOffset? ExpiresAt = null,
    [property: Id(30)] CompletionCallback? Callback = null,
    [property: Id(31)] CallbackDelivery? CallbackDelivery = null)
{
    /// <summary>The listing row of this orchestration.</summary>
    public OrchestrationSummary ToSummary() =>
        new(Id, Owner, CreatedAt, StartAt, Status, FailureReason, Steps.Count, FinishedAt, ScheduleId, ScheduledFor, Labels, ExpiresAt);
}
