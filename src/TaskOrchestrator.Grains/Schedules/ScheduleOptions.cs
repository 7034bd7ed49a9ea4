using System.ComponentModel.DataAnnotations;

namespace TaskOrchestrator.Schedules;

/// <summary>How recurring schedules behave. Section <c>TaskOrchestrator:Schedules</c>.</summary>
public sealed class ScheduleOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "TaskOrchestrator:Schedules";

    /// <summary>The shortest interval between occurrences a schedule may have (<c>everyInMS</c>, or a cron expression's gaps). Default 1 s.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan MinimumInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long before its instant an occurrence's run is created: its task is then armed and fires on the instant
    /// through the precise dispatcher, like any task. The overlap policy judges the previous run at that moment.
    /// Default 2 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.200", "00:01:00")]
    public TimeSpan CreateAhead { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How late an occurrence may be handled and still count as on time (a busy or restarting node): it then runs at once.
    /// Later than this, it was missed (the service was down) and the catch-up policy decides. Default 10 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan MissedAfter { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The catch-up window of a schedule that gives none. Default 1 hour.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan DefaultCatchUpWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The longest catch-up window a schedule may ask for. Default 7 days.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "366.00:00:00")]
    public TimeSpan MaxCatchUpWindow { get; set; } = TimeSpan.FromDays(7);

    /// <summary>The most missed occurrences caught up at once (<c>catchUp: all</c>): the latest ones; older ones are skipped. Default 100.</summary>
    [Range(1, 10_000)]
    public int MaxCatchUpRuns { get; set; } = 100;
}
