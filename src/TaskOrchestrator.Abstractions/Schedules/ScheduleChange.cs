using TaskOrchestrator.Callbacks;

namespace TaskOrchestrator.Schedules;

/// <summary>A change to a schedule; every null part is kept as it is. It takes effect from the next occurrence not yet created.</summary>
/// <param name="Cron">A new cron expression (replacing an interval).</param>
/// <param name="Every">A new interval (replacing a cron expression).</param>
/// <param name="TimeZone">A new time zone.</param>
/// <param name="StartAt">A new start.</param>
/// <param name="EndAt">A new end.</param>
/// <param name="Overlap">A new overlap policy.</param>
/// <param name="CatchUp">A new catch-up policy.</param>
/// <param name="CatchUpWindow">A new catch-up window.</param>
/// <param name="Target">A new target.</param>
/// <param name="ClearEndAt">True to remove the end (a null <paramref name="EndAt"/> keeps it).</param>
/// <param name="Labels">New labels, replacing all of them (empty removes them); runs created from then on carry them.</param>
/// <param name="Callback">A new completion callback for the runs created from then on.</param>
[GenerateSerializer, Immutable, Alias("TaskOrchestrator.ScheduleChange")]
public sealed record ScheduleChange(
    [property: Id(0)] string? Cron = null,
    [property: Id(1)] TimeSpan? Every = null,
    [property: Id(2)] string? TimeZone = null,
    [property: Id(3)] DateTimeOffset? StartAt = null,
    [property: Id(4)] DateTimeOffset? EndAt = null,
    [property: Id(5)] ScheduleOverlap? Overlap = null,
    [property: Id(6)] ScheduleCatchUp? CatchUp = null,
    [property: Id(7)] TimeSpan? CatchUpWindow = null,
    [property: Id(8)] ScheduleTarget? Target = null,
    [property: Id(9)] bool ClearEndAt = false,
    [property: Id(10)] IReadOnlyDictionary<string, string>? Labels = null,
    [property: Id(30)] CompletionCallback? Callback = null)
{
    /// <summary>The definition with this change applied.</summary>
    public ScheduleDefinition ApplyTo(ScheduleDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return definition with
        {
            Cron = Every is not null ? null : Cron ?? definition.Cron,
            Every = Cron is not null ? null : Every ?? definition.Every,
            TimeZone = TimeZone ?? definition.TimeZone,
            StartAt = StartAt ?? definition.StartAt,
            EndAt = ClearEndAt ? null : EndAt ?? definition.EndAt,
            Overlap = Overlap ?? definition.Overlap,
            CatchUp = CatchUp ?? definition.CatchUp,
            CatchUpWindow = CatchUpWindow ?? definition.CatchUpWindow,
            Target = Target ?? definition.Target,
            Labels = Labels ?? definition.Labels,
            Callback = Callback ?? definition.Callback,
        };
    }
}
