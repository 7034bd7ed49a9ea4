namespace TaskOrchestrator.Schedules;

/// <summary>One occurrence of a schedule: the run it created, or why it was skipped.</summary>
/// <param name="ScheduledFor">The occurrence's instant (the run's due time); for a run triggered by hand, when it was asked for.</param>
/// <param name="TaskId">The task it created, if the schedule runs tasks.</param>
/// <param name="OrchestrationId">The orchestration it created, if the schedule runs orchestrations.</param>
/// <param name="Skipped">Why no run was created (the previous run had not finished; missed while the service was down), or null.</param>
/// <param name="Triggered">True for a run asked for by hand, outside the cadence.</param>
[GenerateSerializer, Immutable, Alias("TaskOrchestrator.ScheduleRun")]
public sealed record ScheduleRun(
    [property: Id(0)] DateTimeOffset ScheduledFor,
    [property: Id(1)] Guid? TaskId,
    [property: Id(2)] Guid? OrchestrationId,
    [property: Id(3)] string? Skipped,
    [property: Id(4)] bool Triggered = false)
{
    /// <summary>The run's id, whichever kind it is.</summary>
    public Guid? RunId => TaskId ?? OrchestrationId;
}
