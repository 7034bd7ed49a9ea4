using TaskOrchestrator.Callbacks;
using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Orchestrations.Lifecycle;

/// <summary>
/// The completion callback of an orchestration: owed by the write that stores its ending (so a silo's death before the
/// first attempt loses nothing), settled by attempts whose outcomes are written after them. The orchestration's own
/// status never depends on it.
/// </summary>
public sealed partial class OrchestrationCursor
{
    /// <summary>The longest <c>Retry-After</c> a callback URL may ask for before the next attempt.</summary>
    public static readonly TimeSpan MaxCallbackRetryAfter = TimeSpan.FromHours(24);

    /// <summary>
    /// True while the orchestration has ended and the callback of that ending is owed: its reminder stays (so a callback
    /// owed when its silo dies is delivered after all).
    /// </summary>
    public bool CallbackOwed => Exists && State.Status.IsFinal() && State.Callback is { Status: CallbackStatus.Pending };

    /// <summary>How long until the owed callback's next attempt is due (zero when due now).</summary>
    public TimeSpan UntilCallbackDue() => State.Callback?.NextAttemptAt is { } at && at > Now ? at - Now : TimeSpan.Zero;

    /// <summary>
    /// The attempt made from <paramref name="attempted"/> ended with <paramref name="response"/>: returns the delivery's
    /// new status, or null when that delivery is no longer the current one (a retry resumed the orchestration meanwhile,
    /// and its next ending owes a callback of its own).
    /// </summary>
    public CallbackStatus? CallbackFinished(CallbackDelivery attempted, TaskResponse response, RetryPolicy policy, double random)
    {
        if (!ReferenceEquals(State.Callback, attempted) || !State.Status.IsFinal())
        {
            return null;
        }

        State.Callback = CallbackAttempts.After(attempted, response, policy, random, Now, MaxCallbackRetryAfter);
        return State.Callback.Status;
    }

    /// <summary>The ending a callback names for a final status.</summary>
    public static string OutcomeOf(OrchestrationStatus status) => status switch
    {
        OrchestrationStatus.Completed => CompletionCallback.Completed,
        OrchestrationStatus.Failed => CompletionCallback.Failed,
        _ => CompletionCallback.Cancelled,
    };

    /// <summary>A retry resumes the orchestration: the delivery of the failed ending is dropped; the next ending owes its own.</summary>
    private void CallbackForgotten()
    {
        State.Callback = null;
        State.Retries++;
    }

    /// <summary>The orchestration just reached its final status: a callback that reports this ending is owed, its first attempt due at once.</summary>
    private void OweCallback()
    {
        var outcome = OutcomeOf(State.Status);
        if (State.Callback is null && Definition.Callback is { } callback && callback.Reports(outcome))
        {
            State.Callback = CallbackDelivery.Owed(outcome, State.FinishedAt ?? Now);
        }
    }
}
