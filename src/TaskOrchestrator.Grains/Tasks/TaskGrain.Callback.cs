using Microsoft.Extensions.Logging;
using TaskOrchestrator.Callbacks;
using TaskOrchestrator.Idempotency;
using TaskOrchestrator.Retention;

namespace TaskOrchestrator.Tasks;

/// <summary>The completion callback and the retention of <see cref="TaskGrain"/>.</summary>
/// <remarks>
/// The final write stores the callback as owed (<see cref="CallbackStatus.Pending"/>), and every attempt's outcome is
/// written after it: a silo's death between the two makes the attempt again (at least once; the receiver
/// de-duplicates on the <c>Idempotency-Key</c>). Its timer interleaves, so GET answers while an attempt is in flight;
/// nothing else changes a finished task.
/// </remarks>
public sealed partial class TaskGrain
{
    private IGrainTimer? _callbackTimer;
    private bool _callbackInFlight;

    /// <summary>Arms the timer of the owed callback's next attempt (unless armed or in flight); true while one is owed.</summary>
    private bool ArmCallback()
    {
        if (!_task.CallbackOwed || _writes.Distrusted)
        {
            return false;
        }

        if (_callbackTimer is null && !_callbackInFlight)
        {
            var wait = _task.UntilCallbackDue();
            _callbackTimer = this.RegisterGrainTimer(
                OnCallbackTimerAsync,
                new GrainTimerCreationOptions(TimeSpan.FromMilliseconds(Math.Ceiling(wait.TotalMilliseconds)), Timeout.InfiniteTimeSpan) { KeepAlive = true, Interleave = true });
        }

        return true;
    }

    /// <inheritdoc />
    public async Task<ExpiryOutcome> ExpireAsync()
    {
        if (!_task.IsStored)
        {
            DeactivateOnIdle();
            return ExpiryOutcome.Gone;
        }

        if (State.Definition?.OrchestrationId is not null)
        {
            // A row filed before tasks of orchestrations stopped expiring on their own: the task goes with its orchestration.
            return ExpiryOutcome.Stale;
        }

        if (!_task.IsExpired)
        {
            return ExpiryOutcome.Kept;
        }

        return await RemoveAsync();
    }

    /// <inheritdoc />
    public async Task<ExpiryOutcome> RemoveWithOrchestrationAsync(Guid orchestrationId)
    {
        if (!_task.IsStored)
        {
            DeactivateOnIdle();
            return ExpiryOutcome.Gone;
        }

        if (State.Definition?.OrchestrationId != orchestrationId || !State.Status.IsFinal())
        {
            return ExpiryOutcome.Kept;
        }

        return await RemoveAsync();
    }

    // The Idempotency-Key claim (so that a repeat of the request cannot find the id and create the task again), its
    // listing rows, then its state row (see AzureTaskStorage.ClearStateAsync); a reminder left behind finds no task at
    // its next tick and removes itself. Each step is idempotent: a sweep that stops midway is finished by the next.
    private async Task<ExpiryOutcome> RemoveAsync()
    {
        if (_writes.Busy || _writes.Distrusted || _callbackInFlight)
        {
            return ExpiryOutcome.Kept;
        }

        if (State.Definition?.IdempotencyKey is { } key)
        {
            await GrainFactory.GetGrain<IIdempotencyGrain>(key).ReleaseAsync(this.GetPrimaryKey());
        }

        DisposeTimer();
        await state.ClearStateAsync();
        _task.Abandon();
        DeactivateOnIdle();
        return ExpiryOutcome.Removed;
    }

    private async Task OnCallbackTimerAsync(CancellationToken cancellationToken)
    {
        _callbackTimer?.Dispose();
        _callbackTimer = null;
        if (!_task.CallbackOwed || _callbackInFlight || _writes.Distrusted)
        {
            return;
        }

        CallbackStatus status;
        _callbackInFlight = true;
        try
        {
            var attempt = _task.CallbackAttemptStarting();
            var outcome = State.Callback!.Outcome;
            LogCallbackAttempt(attempt, outcome);
            var response = await callbacks.SendAsync(Snapshot(), attempt, outcome, CancellationToken.None);
            status = _task.CallbackFinished(response, callbacks.Policy, Random.Shared.NextDouble());
            await _writes.WriteAsync(_task.Compact);
        }
        finally
        {
            _callbackInFlight = false;
        }

        switch (status)
        {
            case CallbackStatus.Pending:
                ArmCallback();
                await _reminder.RegisterAsync(_scheduling.FirstReminderTick(_task.UntilCallbackDue()), _scheduling.ReminderPeriod);
                return;
            case CallbackStatus.Delivered:
                callbacks.Metrics.CallbackDelivered("task");
                break;
            default:
                LogCallbackFailed(State.Callback!.Attempts, State.Callback.LastStatusCode, State.Callback.LastError);
                callbacks.Metrics.CallbackFailed("task");
                break;
        }

        await RemoveReminderAsync();
        DeactivateOnIdle();
    }

    [LoggerMessage(EventId = 1040, Level = LogLevel.Information, Message = "Task's completion callback: attempt {Attempt}, reporting {Outcome}")]
    private partial void LogCallbackAttempt(int attempt, string outcome);

    [LoggerMessage(EventId = 1041, Level = LogLevel.Warning, Message = "Task's completion callback failed for good after {Attempts} attempts (status code {StatusCode}, error {Error}); the task's outcome stands")]
    private partial void LogCallbackFailed(int attempts, int? statusCode, string? error);
}
