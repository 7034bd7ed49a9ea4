using Microsoft.Extensions.Logging;
using TaskOrchestrator.Callbacks;

namespace TaskOrchestrator.Orchestrations;

/// <summary>The completion callback of <see cref="OrchestrationGrain"/>.</summary>
/// <remarks>
/// The write that stores the ending stores the callback as owed (<see cref="CallbackStatus.Pending"/>), and every
/// attempt's outcome is written after it: a silo's death between the two makes the attempt again (at least once; the
/// receiver de-duplicates on the <c>Idempotency-Key</c>), and the reminder stays until it is settled. Its timer
/// interleaves, so nothing queues behind an attempt in flight; the writes themselves are ordered by the state writer,
/// and a retry that resumes the orchestration meanwhile drops that attempt's outcome (the new ending owes its own).
/// </remarks>
public sealed partial class OrchestrationGrain
{
    private const string CallbackKind = "orchestration";

    private IGrainTimer? _callbackTimer;
    private bool _callbackInFlight;

    /// <summary>Arms the timer of the owed callback's next attempt (unless armed or in flight); true while one is owed.</summary>
    private bool ArmCallback()
    {
        if (!state.RecordExists || !_cursor.CallbackOwed || _writes.Distrusted)
        {
            return false;
        }

        if (_callbackTimer is null && !_callbackInFlight)
        {
            var wait = _cursor.UntilCallbackDue();
            _callbackTimer = this.RegisterGrainTimer(
                OnCallbackTimerAsync,
                new GrainTimerCreationOptions(TimeSpan.FromMilliseconds(Math.Ceiling(wait.TotalMilliseconds)), Timeout.InfiniteTimeSpan) { KeepAlive = true, Interleave = true });
        }

        return true;
    }

    private async Task OnCallbackTimerAsync(CancellationToken cancellationToken)
    {
        _callbackTimer?.Dispose();
        _callbackTimer = null;
        if (!_cursor.CallbackOwed || _callbackInFlight || _writes.Distrusted)
        {
            return;
        }

        CallbackStatus? status;
        var (attempted, retries) = (State.Callback!, State.Retries);
        _callbackInFlight = true;
        try
        {
            var attempt = attempted.Attempts + 1;
            LogCallbackAttempt(attempt, attempted.Outcome);
            var snapshot = await LiveSnapshotAsync();
            status = null;
            if (ReferenceEquals(State.Callback, attempted))
            {
                var response = await callbacks.SendAsync(snapshot, retries, attempt, attempted.Outcome, CancellationToken.None);
                status = _cursor.CallbackFinished(attempted, response, callbacks.Policy, Random.Shared.NextDouble());
            }

            if (status is not null)
            {
                await _writes.WriteOrDistrustAsync();
            }
        }
        finally
        {
            _callbackInFlight = false;
        }

        switch (status)
        {
            case null:
                // A retry resumed the orchestration while the attempt was in flight: its next ending owes a callback of its own.
                return;
            case CallbackStatus.Pending:
                ArmCallback();
                await _reminder.RegisterAsync(_scheduling.FirstReminderTick(_cursor.UntilCallbackDue()), _scheduling.ReminderPeriod);
                return;
            case CallbackStatus.Delivered:
                callbacks.Metrics.CallbackDelivered(CallbackKind);
                break;
            default:
                LogCallbackFailed(State.Callback!.Attempts, State.Callback.LastStatusCode, State.Callback.LastError);
                callbacks.Metrics.CallbackFailed(CallbackKind);
                break;
        }

        await CleanUpIfSettledAsync();
    }

    [LoggerMessage(EventId = 2030, Level = LogLevel.Information, Message = "Orchestration {OrchestrationId}'s completion callback: attempt {Attempt}, reporting {Outcome}")]
    private partial void LogCallbackAttemptCore(Guid orchestrationId, int attempt, string outcome);

    [LoggerMessage(
        EventId = 2031, Level = LogLevel.Warning,
        Message = "Orchestration {OrchestrationId}'s completion callback failed for good after {Attempts} attempts (status code {StatusCode}, error {Error}); its outcome stands")]
    private partial void LogCallbackFailedCore(Guid orchestrationId, int attempts, int? statusCode, string? error);

    private void LogCallbackAttempt(int attempt, string outcome)
    {
        using var scope = BeginOrchestrationScope();
        LogCallbackAttemptCore(this.GetPrimaryKey(), attempt, outcome);
    }

    private void LogCallbackFailed(int attempts, int? statusCode, string? error)
    {
        using var scope = BeginOrchestrationScope();
        LogCallbackFailedCore(this.GetPrimaryKey(), attempts, statusCode, error);
    }
}
