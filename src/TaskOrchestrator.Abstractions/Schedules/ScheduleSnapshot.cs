namespace TaskOrchestrator.Schedules;

/// <summary>A schedule as it stands now.</summary>
/// <param name="Id">Its id (the grain key).</param>
/// <param name="Definition">What it runs and when.</param>
/// <param name="Status">Active or Paused.</param>
/// <param name="UpdatedAt">When it was last changed (created, modified, paused or resumed).</param>
/// <param name="NextRuns">The next occurrences (at most five) it will create, in order; empty when paused or ended.</param>
/// <param name="RecentRuns">Its latest occurrences, newest first (the last 20): created runs and skipped ones.</param>
[GenerateSerializer, Immutable, Alias("TaskOrchestrator.ScheduleSnapshot")]
public sealed record ScheduleSnapshot(
    [property: Id(0)] Guid Id,
    [property: Id(1)] ScheduleDefinition Definition,
    [property: Id(2)] ScheduleStatus Status,
    [property: Id(3)] DateTimeOffset UpdatedAt,
    [property: Id(4)] IReadOnlyList<DateTimeOffset> NextRuns,
    [property: Id(5)] IReadOnlyList<ScheduleRun> RecentRuns)
{
    /// <summary>The listing row of this schedule.</summary>
    public ScheduleSummary ToSummary() => new(Id, Definition.Owner, Definition.CreatedAt, UpdatedAt, Status, Definition);
}

/// <summary>A schedule as listings show it: its definition and status (its runs are read from the schedule itself).</summary>
/// <param name="Id">Its id.</param>
/// <param name="Owner">Its owner.</param>
/// <param name="CreatedAt">When it was accepted.</param>
/// <param name="UpdatedAt">When it was last changed.</param>
/// <param name="Status">Active or Paused.</param>
/// <param name="Definition">What it runs and when.</param>
[GenerateSerializer, Immutable, Alias("TaskOrchestrator.ScheduleSummary")]
public sealed record ScheduleSummary(
    [property: Id(0)] Guid Id,
    [property: Id(1)] string Owner,
    [property: Id(2)] DateTimeOffset CreatedAt,
    [property: Id(3)] DateTimeOffset UpdatedAt,
    [property: Id(4)] ScheduleStatus Status,
    [property: Id(5)] ScheduleDefinition Definition);
