using Orleans.Concurrency;
using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Orchestrations;

/// <summary>
/// The condition check between two steps of an orchestration: calls the check URL (each attempt a <see cref="ITaskGrain"/>,
/// so attempts are durable and precisely timed) until it passes or runs out of retries, then tells the orchestration.
/// Keyed by a GUID the orchestration mints per step check.
/// </summary>
public interface IConditionCheckGrain : IGrainWithGuidKey, ITaskObserver
{
    /// <summary>
    /// Starts the check, or when it already started, makes sure its current attempt is scheduled and takes in the outcome
    /// of one that finished unnoticed. Idempotent: the orchestration calls it again to recover.
    /// </summary>
    Task<ConditionCheckSnapshot> StartAsync(ConditionCheckRequest request);

    /// <summary>Stops the check: a pending attempt is cancelled, one in flight finishes but counts for nothing.</summary>
    Task<ConditionCheckSnapshot?> CancelAsync();

    /// <summary>
    /// Removes the check with its orchestration: its attempt tasks, then its state. Kept while an attempt runs; Gone when
    /// nothing is stored. Idempotent.
    /// </summary>
    Task<TaskOrchestrator.Retention.ExpiryOutcome> RemoveAsync();

    /// <summary>The check as it stands, or null when it never started.</summary>
    [AlwaysInterleave]
    Task<ConditionCheckSnapshot?> GetAsync();
}
