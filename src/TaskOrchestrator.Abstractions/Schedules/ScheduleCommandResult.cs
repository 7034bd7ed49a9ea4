using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Schedules;

/// <summary>The outcome of a command on a schedule and the schedule as it stands afterwards.</summary>
/// <param name="Outcome">Whether the command took effect (the same outcomes as task commands).</param>
/// <param name="Schedule">The schedule after the command, or null when it does not exist (or was just deleted).</param>
/// <param name="Reason">Why the command was refused, for the caller to show.</param>
/// <param name="Run">The run a trigger created.</param>
[GenerateSerializer, Immutable, Alias("TaskOrchestrator.ScheduleCommandResult")]
public sealed record ScheduleCommandResult(
    [property: Id(0)] TaskCommandOutcome Outcome,
    [property: Id(1)] ScheduleSnapshot? Schedule,
    [property: Id(2)] string? Reason = null,
    [property: Id(3)] ScheduleRun? Run = null)
{
    /// <summary>A command that took effect.</summary>
    public static ScheduleCommandResult Ok(ScheduleSnapshot? schedule, ScheduleRun? run = null) => new(TaskCommandOutcome.Ok, schedule, null, run);

    /// <summary>A command on a schedule that does not exist.</summary>
    public static ScheduleCommandResult NotFound() => new(TaskCommandOutcome.NotFound, null, "No schedule exists with this id.");

    /// <summary>A command the schedule's state does not allow.</summary>
    public static ScheduleCommandResult Conflict(ScheduleSnapshot schedule, string reason) => new(TaskCommandOutcome.Conflict, schedule, reason);

    /// <summary>A change that would make the schedule invalid (e.g. never firing).</summary>
    public static ScheduleCommandResult Invalid(ScheduleSnapshot schedule, string reason) => new(TaskCommandOutcome.Invalid, schedule, reason);
}
