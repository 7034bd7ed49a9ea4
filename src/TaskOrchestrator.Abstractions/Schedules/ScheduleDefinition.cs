using TaskOrchestrator.Callbacks;

namespace TaskOrchestrator.Schedules;

/// <summary>What a user asked for: run <paramref name="Target"/> at every occurrence of a cadence, in a time zone.</summary>
/// <param name="Owner">The subject of the token that created it; only it (and admins) may see it.</param>
/// <param name="CreatedAt">When it was accepted.</param>
/// <param name="Cron">A cron expression (5 fields, or 6 with seconds first; macros such as <c>@daily</c>); null when <paramref name="Every"/> is set.</param>
/// <param name="Every">A fixed interval between occurrences, counted from <paramref name="StartAt"/> (or the creation); null when <paramref name="Cron"/> is set.</param>
/// <param name="TimeZone">The IANA time zone a cron expression is read in, e.g. <c>Europe/Berlin</c>.</param>
/// <param name="StartAt">No occurrence before this instant; null for the creation.</param>
/// <param name="EndAt">No occurrence after this instant; null for none.</param>
/// <param name="Overlap">What an occurrence does while the previous run has not finished.</param>
/// <param name="CatchUp">What becomes of occurrences missed while the service was down.</param>
/// <param name="CatchUpWindow">How old a missed occurrence may be and still be caught up.</param>
/// <param name="Target">What each occurrence runs.</param>
/// <param name="Labels">The caller's labels; each run created carries them too. Null for none.</param>
/// <param name="Callback">The completion callback each run it creates carries, unless the run's own definition gives one; null for none.</param>
[GenerateSerializer, Immutable, Alias("TaskOrchestrator.ScheduleDefinition")]
public sealed record ScheduleDefinition(
    [property: Id(0)] string Owner,
    [property: Id(1)] DateTimeOffset CreatedAt,
    [property: Id(2)] string? Cron,
    [property: Id(3)] TimeSpan? Every,
    [property: Id(4)] string TimeZone,
    [property: Id(5)] DateTimeOffset? StartAt,
    [property: Id(6)] DateTimeOffset? EndAt,
    [property: Id(7)] ScheduleOverlap Overlap,
    [property: Id(8)] ScheduleCatchUp CatchUp,
    [property: Id(9)] TimeSpan CatchUpWindow,
    [property: Id(10)] ScheduleTarget Target,
    [property: Id(11)] IReadOnlyDictionary<string, string>? Labels = null,
    [property: Id(30)] CompletionCallback? Callback = null);
