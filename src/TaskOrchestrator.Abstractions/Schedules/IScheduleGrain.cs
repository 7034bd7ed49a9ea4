using Orleans.Concurrency;

namespace TaskOrchestrator.Schedules;

/// <summary>
/// A recurring schedule: creates an ordinary task (or orchestration) for each occurrence of its cadence, shortly before
/// the occurrence's instant, so that the run fires as precisely as any task. Keyed by the schedule id. Durable through
/// its state and a reminder; an occurrence's run has an id derived from the schedule and the instant, so creating it
/// again (after a crash, a failover, a resume) finds the one that exists. Every command with an <c>owner</c> reports a
/// schedule of another owner as not found.
/// </summary>
public interface IScheduleGrain : IGrainWithGuidKey
{
    /// <summary>Accepts a new schedule. Conflict when this id is taken.</summary>
    Task<ScheduleCommandResult> CreateAsync(ScheduleDefinition definition, bool paused);

    /// <summary>The schedule as it stands (with its next and recent runs), or null when none exists under this id.</summary>
    [AlwaysInterleave]
    Task<ScheduleSnapshot?> GetAsync();

    /// <summary>Changes the schedule from its next occurrence not yet created; Invalid when the result never fires.</summary>
    Task<ScheduleCommandResult> UpdateAsync(ScheduleChange change, string? owner);

    /// <summary>Stops creating occurrences until resumed. Pausing twice is fine.</summary>
    Task<ScheduleCommandResult> PauseAsync(string? owner);

    /// <summary>Creates occurrences again from the next one after now (those that came while paused are not caught up). Resuming twice is fine.</summary>
    Task<ScheduleCommandResult> ResumeAsync(string? owner);

    /// <summary>Creates one run now, outside the cadence (whatever the overlap policy says; also while paused).</summary>
    Task<ScheduleCommandResult> TriggerAsync(string? owner);

    /// <summary>Deletes the schedule: no further occurrence is created (one created but not started is cancelled); runs created stay.</summary>
    Task<ScheduleCommandResult> DeleteAsync(string? owner);
}
