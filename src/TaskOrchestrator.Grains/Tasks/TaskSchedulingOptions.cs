using System.ComponentModel.DataAnnotations;

namespace TaskOrchestrator.Tasks;

/// <summary>
/// How task grains use reminders (durability) and timers (precision). Section <c>TaskOrchestrator:Scheduling</c>.
/// </summary>
public sealed class TaskSchedulingOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "TaskOrchestrator:Scheduling";

    /// <summary>
    /// A task due within this window keeps its activation and a timer armed; one due later lets its activation go
    /// and is woken by its reminder <see cref="WakeLead"/> before it is due. Default 2 minutes.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00")]
    public TimeSpan ActivationWindow { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How long before its due time, at least, a task's reminder wakes it to arm its timer, so that a task whose activation
    /// went away (far tasks, a restarted silo) still fires on time. The wake comes up to one <see cref="ReminderPeriod"/>
    /// earlier: the reminder's ticks are lined up on the due time plus <see cref="ReminderGrace"/>. Must be below
    /// <see cref="ActivationWindow"/>. Default 10 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan WakeLead { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The reminder's period: after a silo dies, its overdue tasks fire within failure detection plus this.
    /// Orleans skips ticks missed while a silo was dead, so a short period bounds that delay. Default 5 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan ReminderPeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long after its due time the reminder's tick comes (the first one, for a task due within <see cref="WakeLead"/>):
    /// by then its timer has normally fired and the reminder is gone, so a healthy task costs no tick after its due
    /// time, and no tick falls on the due instant itself (unless this is zero or a whole number of reminder periods). Default 2 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan ReminderGrace { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long before its due time a task's grain timer fires and hands the call to the precise dispatcher, which
    /// starts it at the due instant. It absorbs timer and thread-pool delays; within it a task already counts as
    /// Running. Default 50 ms: under load a garbage collection pause (10-40 ms on a busy 2-core machine) plus the
    /// thread-pool backlog after it can delay a timer by more than 20 ms, which made about 3 % of the hand-overs late.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:01")]
    public TimeSpan DispatchLead { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// How long a call may run before the task's <c>Running</c> state is written to storage. A call that answers sooner
    /// is stored once, with its result: one row write per attempt instead of two. Until then a listing by status still
    /// shows the task as <c>Scheduled</c> (reading the task itself always shows <c>Running</c>), and a silo that dies
    /// meanwhile leaves no record of the attempt it was making; the task is called again either way. Zero writes
    /// <c>Running</c> as each call starts. Default 1 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan RunningRecordDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often each silo re-reads its share of the reminder table (Orleans' <c>RefreshReminderListPeriod</c>). It trades
    /// memory for reads: Orleans keeps every reminder deleted since the last read in memory until the next one (about
    /// 0.8 KiB each: at 400 tasks/s, some 100 MiB by the end of a 5-minute period), while each read is one query per
    /// 1,000 reminders in the silo's range, pending tasks included (on Azurite, reading 100,000 reminders took about
    /// 36 s of its single core). Default 5 minutes, the Orleans default.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:10", "01:00:00")]
    public TimeSpan ReminderRefreshPeriod { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// When a reminder first ticks for something due <paramref name="untilDue"/> from now (a task's call, an
    /// orchestration's start). Its ticks fall on the due time plus <see cref="ReminderGrace"/> and every
    /// <see cref="ReminderPeriod"/> before and after that, not on the due instant itself (given a grace that is not a
    /// whole number of periods): a tick there meets the timer's work, and while a dead silo's directory entries are
    /// being recovered it could start a second activation that does it too. Something due later than
    /// <see cref="WakeLead"/> is first woken at least that long before its due time, so its timer is armed in time even
    /// when its activation is gone by then (deactivated, or its silo restarted); the tick after the due time is a safety
    /// net the timer normally makes unnecessary.
    /// </summary>
    public TimeSpan FirstReminderTick(TimeSpan untilDue)
    {
        if (untilDue < TimeSpan.Zero)
        {
            untilDue = TimeSpan.Zero;
        }

        var afterDue = untilDue + ReminderGrace;
        if (untilDue <= WakeLead)
        {
            return afterDue;
        }

        // Whole periods back from the tick after the due time: enough to reach the wake lead, as many as there is time for.
        var back = Math.Min(Math.Ceiling((WakeLead + ReminderGrace) / ReminderPeriod), Math.Floor(afterDue / ReminderPeriod));
        return back >= 1 ? afterDue - back * ReminderPeriod : untilDue - WakeLead;
    }

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (WakeLead >= ActivationWindow)
        {
            yield return new ValidationResult(
                $"{nameof(WakeLead)} ({WakeLead}) must be shorter than {nameof(ActivationWindow)} ({ActivationWindow}).",
                [nameof(WakeLead), nameof(ActivationWindow)]);
        }
    }
}
