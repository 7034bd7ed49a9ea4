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

    /// <summary>
    /// Cancels the task unless an attempt is in flight or it is finished. Cancelling twice is fine. With
    /// <paramref name="owner"/>, a task of another owner is reported as not found (one call for the API's check and command).
    /// </summary>
    Task<TaskCommandResult> CancelAsync(string? owner = null);

    /// <summary>
    /// Moves the due time; a time in the past means "run now". Conflict once running or finished. With
    /// <paramref name="owner"/>, a task of another owner is reported as not found.
    /// </summary>
    Task<TaskCommandResult> RescheduleAsync(DueTimeChange dueTime, string? owner = null);

    /// <summary>
    /// Changes a scheduled task: its due time and/or its labels. Conflict once running or finished. With
    /// <paramref name="owner"/>, a task of another owner is reported as not found.
    /// </summary>
    Task<TaskCommandResult> ChangeAsync(TaskChange change, string? owner = null);

    /// <summary>
    /// Reruns a finished (Completed, Failed or Cancelled) task: schedules a new task <paramref name="rerunId"/> with the
    /// same call, delivery policy and labels, due at <paramref name="dueAt"/>, and records it among this task's reruns.
    /// Conflict while the task is not finished. Calling it again with the same id finds the rerun made (idempotent). A
    /// rerun is a standalone task: it belongs to no orchestration or schedule. With <paramref name="owner"/>, a task of
    /// another owner is reported as not found.
    /// </summary>
    Task<TaskRerunResult> RerunAsync(Guid rerunId, DateTimeOffset dueAt, string? owner = null);

    /// <summary>The task as it stands, or null when none exists under this id. Answers even while a call is in flight.</summary>
    [AlwaysInterleave]
    Task<TaskSnapshot?> GetAsync();

    /// <summary>
    /// Activates the task, which arms its timer when it is due soon, and does nothing else: how an activation that
    /// Orleans takes away (silo shutdown, lost directory entry) hands its timer over at once.
    /// </summary>
    [OneWay]
    Task WakeAsync();

    /// <summary>
    /// Removes the task (its state and listing rows) when it is finished, past its retention and owes no callback;
    /// the retention sweep calls this for each expiry row that is due. A pending task is never removed; a task of an
    /// orchestration answers Stale (it goes with its orchestration, <see cref="RemoveWithOrchestrationAsync"/>). Its
    /// <c>Idempotency-Key</c> claim is released first.
    /// </summary>
    Task<TaskOrchestrator.Retention.ExpiryOutcome> ExpireAsync();

    /// <summary>
    /// Removes this step, check or fallback task of orchestration <paramref name="orchestrationId"/> once it is finished
    /// (Kept while it runs; Gone when nothing is stored): the orchestration's own removal calls this for each of its tasks.
    /// </summary>
    Task<TaskOrchestrator.Retention.ExpiryOutcome> RemoveWithOrchestrationAsync(Guid orchestrationId);
}
