using System.Text.Json.Serialization;
using TaskOrchestrator.Client.Http;

namespace TaskOrchestrator.Client.Schedules;

/// <summary>A recurring schedule as the service reports it. Headers and bodies of what it runs are never returned.</summary>
public sealed record RecurringSchedule
{
    /// <summary>The schedule's id.</summary>
    public required Guid Id { get; init; }

    /// <summary>Active or Paused.</summary>
    public RecurringScheduleStatus Status { get; init; }

    /// <summary>When it was accepted.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it was last changed (created, modified, paused or resumed).</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Its cron expression, when it has one.</summary>
    public string? Cron { get; init; }

    /// <summary>Its interval, when it has one.</summary>
    [JsonPropertyName("everyInMS"), JsonConverter(typeof(MillisecondsConverter))]
    public TimeSpan? Every { get; init; }

    /// <summary>The IANA time zone of its occurrences.</summary>
    public required string TimeZone { get; init; }

    /// <summary>No occurrence before this.</summary>
    public DateTimeOffset? StartAt { get; init; }

    /// <summary>No occurrence after this.</summary>
    public DateTimeOffset? EndAt { get; init; }

    /// <summary>What an occurrence does while the previous run has not finished.</summary>
    public ScheduleOverlap Overlap { get; init; }

    /// <summary>What becomes of occurrences missed while the service was down.</summary>
    public ScheduleCatchUp CatchUp { get; init; }

    /// <summary>How old a missed occurrence may be and still be caught up.</summary>
    [JsonPropertyName("catchUpWindowInMS"), JsonConverter(typeof(MillisecondsConverter))]
    public TimeSpan CatchUpWindow { get; init; }

    /// <summary>The task each occurrence runs (its URL and method), if it runs tasks.</summary>
    public ScheduledCallSummary? Task { get; init; }

    /// <summary>The next occurrences (at most five), each with the offset of the schedule's zone on that day; empty while paused or once ended.</summary>
    public IReadOnlyList<DateTimeOffset> NextRuns { get; init; } = [];

    /// <summary>Its latest occurrences, newest first: the runs created and those skipped (absent in listings).</summary>
    public IReadOnlyList<ScheduleRunRecord>? RecentRuns { get; init; }

    /// <summary>Its labels; every run it creates carries them.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>The completion callback each run it creates carries, unless the run's own definition gives one.</summary>
    public Callbacks.CompletionCallback? Callback { get; init; }
}

/// <summary>The call each occurrence of a schedule makes, as the service reports it.</summary>
public sealed record ScheduledCallSummary
{
    /// <summary>The URL it calls.</summary>
    [JsonPropertyName("taskURL")]
    public required Uri Url { get; init; }

    /// <summary>The HTTP method.</summary>
    public required string Method { get; init; }
}

/// <summary>One occurrence of a schedule: the run it created (and how that run ended so far), or why it was skipped.</summary>
public sealed record ScheduleRunRecord
{
    /// <summary>The occurrence's instant (the run's due time); for a run triggered by hand, when it was asked for.</summary>
    public DateTimeOffset ScheduledFor { get; init; }

    /// <summary>The task it created.</summary>
    public Guid? TaskId { get; init; }

    /// <summary>The orchestration it created.</summary>
    public Guid? OrchestrationId { get; init; }

    /// <summary>The run's status when known (Scheduled, Running, Completed, Failed, Cancelled).</summary>
    public string? Outcome { get; init; }

    /// <summary>True when no run was created.</summary>
    public bool? Skipped { get; init; }

    /// <summary>Why it was skipped.</summary>
    public string? Reason { get; init; }

    /// <summary>True for a run asked for by hand, outside the cadence.</summary>
    public bool? Triggered { get; init; }
}
