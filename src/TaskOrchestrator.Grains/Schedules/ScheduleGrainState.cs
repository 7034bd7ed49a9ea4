using TaskOrchestrator.Listing;

namespace TaskOrchestrator.Schedules;

/// <summary>The persisted state of a <see cref="ScheduleGrain"/>.</summary>
[GenerateSerializer, Alias("TaskOrchestrator.ScheduleGrainState")]
public sealed class ScheduleGrainState
{
    /// <summary>How many runs <see cref="Runs"/> keeps.</summary>
    public const int MaxRuns = 20;

    /// <summary>What was asked (as last changed); null until created.</summary>
    [Id(0)] public ScheduleDefinition? Definition { get; set; }

    /// <summary>Active or Paused.</summary>
    [Id(1)] public ScheduleStatus Status { get; set; }

    /// <summary>When it was last changed.</summary>
    [Id(2)] public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Occurrences at or before this instant are dealt with (run, skipped, or before the creation or a resume).</summary>
    [Id(3)] public DateTimeOffset HandledThrough { get; set; }

    /// <summary>The latest occurrences and triggered runs, oldest first (the last <see cref="MaxRuns"/>).</summary>
    [Id(4)] public List<ScheduleRun> Runs { get; set; } = [];

    /// <summary>True once deleted: nothing more is created, and the rest of the clean-up (listing rows, reminder) follows.</summary>
    [Id(5)] public bool Deleted { get; set; }

    /// <summary>The statuses whose listing rows may exist (see <see cref="StatusSet"/>).</summary>
    [Id(6)] public StatusSet ListingStatuses { get; set; }

    /// <summary>The labels (digests, see <see cref="LabelRows"/>) whose listing rows may exist; null for none.</summary>
    [Id(11)] public List<string>? ListingLabels { get; set; }

    /// <summary>Adds a run, dropping the oldest beyond <see cref="MaxRuns"/>.</summary>
    public void AddRun(ScheduleRun run)
    {
        if (Runs.Count >= MaxRuns)
        {
            Runs.RemoveAt(0);
        }

        Runs.Add(run);
    }
}
