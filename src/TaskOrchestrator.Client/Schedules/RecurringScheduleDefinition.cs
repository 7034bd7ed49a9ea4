using System.Text.Json.Serialization;
using TaskOrchestrator.Client.Http;
using TaskOrchestrator.Client.Orchestrations;

namespace TaskOrchestrator.Client.Schedules;

/// <summary>
/// A recurring schedule to create: exactly one of <see cref="Cron"/> and <see cref="Every"/>, and exactly one of
/// <see cref="Task"/> and <see cref="Orchestration"/>. To change one, give only what changes (a null member is left as it
/// is; <see cref="Paused"/> is for creation only).
/// </summary>
public sealed record RecurringScheduleDefinition
{
    /// <summary>A cron expression: 5 fields, 6 with seconds first, or a macro such as <c>@hourly</c>.</summary>
    public string? Cron { get; init; }

    /// <summary>A fixed interval between occurrences (at least the service's minimum, 1 s by default).</summary>
    [JsonPropertyName("everyInMS"), JsonConverter(typeof(MillisecondsConverter))]
    public TimeSpan? Every { get; init; }

    /// <summary>The IANA time zone <see cref="Cron"/> is read in, e.g. <c>Europe/Berlin</c>; the service's default is UTC.</summary>
    public string? TimeZone { get; init; }

    /// <summary>No occurrence before this instant.</summary>
    public DateTimeOffset? StartAt { get; init; }

    /// <summary>No occurrence after this instant.</summary>
    public DateTimeOffset? EndAt { get; init; }

    /// <summary>True to create it paused.</summary>
    public bool? Paused { get; init; }

    /// <summary>What an occurrence does while the previous run has not finished.</summary>
    public ScheduleOverlap? Overlap { get; init; }

    /// <summary>What becomes of occurrences missed while the service was down.</summary>
    public ScheduleCatchUp? CatchUp { get; init; }

    /// <summary>How old a missed occurrence may be and still be caught up (the service's default is 1 hour).</summary>
    [JsonPropertyName("catchUpWindowInMS"), JsonConverter(typeof(MillisecondsConverter))]
    public TimeSpan? CatchUpWindow { get; init; }

    /// <summary>The task each occurrence creates, due on the occurrence's instant.</summary>
    public ScheduledCallDefinition? Task { get; init; }

    /// <summary>The orchestration each occurrence creates, starting on the occurrence's instant (no initial delay).</summary>
    public OrchestrationDefinition? Orchestration { get; init; }

    /// <summary>Labels to find it by, with the rules of a task's; every run it creates carries them.</summary>
    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    /// <summary>
    /// The completion callback of every run it creates (a schedule itself never ends), unless the run's own definition
    /// (<see cref="ScheduledCallDefinition.Callback"/>, <see cref="OrchestrationDefinition.Callback"/>) gives one.
    /// </summary>
    public Callbacks.CompletionCallback? Callback { get; init; }
}

/// <summary>The call each occurrence of a schedule makes, as a task.</summary>
public sealed record ScheduledCallDefinition
{
    /// <summary>The URL to call.</summary>
    [JsonPropertyName("taskURL")]
    public required Uri Url { get; init; }

    /// <summary>The HTTP method; the service's default is POST.</summary>
    public string? Method { get; init; }

    /// <summary>Headers sent with each call (never returned by the service).</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    /// <summary>The body sent with each call (never returned by the service).</summary>
    public string? Body { get; init; }

    /// <summary>When a failed attempt is made again; null for the service's default.</summary>
    public Tasks.RetrySettings? Retry { get; init; }

    /// <summary>How long one attempt may take; null for the service's default.</summary>
    [JsonPropertyName("timeoutInMS"), JsonConverter(typeof(MillisecondsConverter))]
    public TimeSpan? Timeout { get; init; }

    /// <summary>The completion callback each task it creates carries, before the schedule's own.</summary>
    public Callbacks.CompletionCallback? Callback { get; init; }
}
