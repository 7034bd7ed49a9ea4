using Orleans.Concurrency;
using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Orchestrations;

/// <summary>
/// A sequence of HTTP tasks run one after another, each followed by an optional condition check. Keyed by the
/// orchestration id. Each step's call is a <see cref="ITaskGrain"/>, scheduled only when its turn comes; a durable
/// cursor and a reminder bring the orchestration back at the step it was on after a crash or restart.
/// </summary>
public interface IOrchestrationGrain : IGrainWithGuidKey, ITaskObserver
{
    /// <summary>Accepts a new orchestration and schedules its first step for its start time. Conflict when this id is taken.</summary>
    Task<OrchestrationCommandResult> CreateAsync(OrchestrationDefinition definition);

    /// <summary>
    /// Cancels the orchestration: before its start nothing runs; while running, the step call in flight finishes and no
    /// further step runs. Cancelling twice is fine; Conflict once Completed or Failed.
    /// </summary>
    /// <remarks>With <paramref name="owner"/>, an orchestration of another owner is reported as not found (one call for the API's check and command).</remarks>
    Task<OrchestrationCommandResult> CancelAsync(string? owner = null);

    /// <summary>Changes the start time and/or the definition. Only while Scheduled: Conflict once the first step started.</summary>
    /// <remarks>With <paramref name="owner"/>, an orchestration of another owner is reported as not found.</remarks>
    Task<OrchestrationCommandResult> ModifyAsync(OrchestrationChange change, string? owner = null);

    /// <summary>
    /// Resumes a Failed orchestration from the step that failed (Temporal's "reset"): that step runs again from its call
    /// (a new task, then its condition check), the steps before it are not run again, and the failed run is kept in
    /// <see cref="OrchestrationSnapshot.PreviousRuns"/>. Conflict unless Failed.
    /// </summary>
    /// <remarks>With <paramref name="owner"/>, an orchestration of another owner is reported as not found.</remarks>
    Task<OrchestrationCommandResult> RetryAsync(string? owner = null);

    /// <summary>The orchestration as it stands, or null when none exists under this id. Answers even while a step is being driven.</summary>
    [AlwaysInterleave]
    Task<OrchestrationSnapshot?> GetAsync();

    /// <summary>
    /// Removes the orchestration once it is finished and past its retention: its step, check and fallback tasks, its
    /// condition checks, its <c>Idempotency-Key</c> claim, its listing rows, then its state. The retention sweep calls this
    /// for each orchestration expiry row that is due. Stale when it is not finished (retried) or expires later; Kept while
    /// a step call is still in flight; Gone when nothing is stored. Idempotent.
    /// </summary>
    Task<TaskOrchestrator.Retention.ExpiryOutcome> ExpireAsync();

    /// <summary>A step's condition check passed or ran out of attempts. One-way, for the same reason as task notifications.</summary>
    [OneWay]
    Task OnConditionCheckFinishedAsync(ConditionCheckSnapshot check);
}
