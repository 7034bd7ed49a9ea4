using Orleans.Concurrency;

namespace TaskOrchestrator.Tasks;

/// <summary>
/// One scheduled HTTP call. Durable through grain state and a reminder; fired precisely by an in-grain timer.
/// Keyed by the task id.
/// </summary>
public interface ITaskGrain : IGrainWithGuidKey
{
    /// <summary>Accepts a new task. Conflict when this id already holds a task.</summary>
    Task<TaskCommandResult> ScheduleAsync(TaskDefinition definition);

    /// <summary>Cancels the task unless it is already running or finished. Cancelling twice is fine.</summary>
    Task<TaskCommandResult> CancelAsync();

    /// <summary>Moves the due time; a time in the past means "run now". Conflict once running or finished.</summary>
    Task<TaskCommandResult> RescheduleAsync(DateTimeOffset dueAt);

    /// <summary>The task as it stands, or null when none exists under this id. Answers even while a call is in flight.</summary>
    [AlwaysInterleave]
    Task<TaskSnapshot?> GetAsync();

    /// <summary>
    /// Activates the task, which arms its timer when it is due soon, and does nothing else: how an activation that
    /// Orleans takes away (silo shutdown, lost directory entry) hands its timer over at once.
    /// </summary>
    [OneWay]
    Task WakeAsync();
}
