namespace TaskOrchestrator.Orchestrations;

/// <summary>The start timer and recovery reminder of <see cref="OrchestrationGrain"/>.</summary>
public sealed partial class OrchestrationGrain
{
    /// <summary>
    /// While Scheduled and near its start, a timer marks the orchestration Running at its start time. The first step's
    /// call itself is timed by its own task grain (never early); this only keeps the status and listing current.
    /// </summary>
    private void ArmStartTimerIfNear()
    {
        if (!state.RecordExists || State.Status != OrchestrationStatus.Scheduled || _startTimer is not null)
        {
            return;
        }

        var remaining = Definition.StartAt - Now;
        if (remaining > _scheduling.ActivationWindow)
        {
            return;
        }

        _startTimer = this.RegisterGrainTimer(
            OnStartTimerAsync,
            new GrainTimerCreationOptions(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, Timeout.InfiniteTimeSpan) { KeepAlive = true });
    }

    private async Task OnStartTimerAsync(CancellationToken cancellationToken)
    {
        DisposeStartTimer();
        if (State.Status != OrchestrationStatus.Scheduled)
        {
            return;
        }

        if (Now < Definition.StartAt)
        {
            // Grain timers can fire a few milliseconds early.
            ArmStartTimerIfNear();
            return;
        }

        if (_cursor.MarkRunning())
        {
            await SaveAsync(listingChanged: true);
            LogStarted();
        }
    }

    private void DisposeStartTimer()
    {
        _startTimer?.Dispose();
        _startTimer = null;
    }

    /// <summary>
    /// The recovery reminder: it ticks before the start (or only after it, when that is near) and every
    /// <see cref="Tasks.TaskSchedulingOptions.ReminderPeriod"/> until nothing can change any more, never on the start
    /// instant itself (<see cref="Tasks.TaskSchedulingOptions.FirstReminderTick"/>).
    /// </summary>
    private Task RegisterReminderAsync() =>
        _reminder.RegisterAsync(_scheduling.FirstReminderTick(Definition.StartAt - Now), _scheduling.ReminderPeriod);

    /// <summary>Once nothing can change any more, stops the timer and removes the reminder (see <see cref="CleanUpAsync"/>).</summary>
    private Task CleanUpIfSettledAsync() => State.IsSettled ? CleanUpAsync() : Task.CompletedTask;

    /// <summary>
    /// Stops the timer and removes the reminder; while the listing is behind, the reminder stays: its next tick writes the
    /// listing again. While a completion callback is owed, it stays too: it brings the callback back after a silo's death.
    /// </summary>
    private async Task CleanUpAsync()
    {
        if (_listingBehind || _expiryBehind || ArmCallback())
        {
            return;
        }

        DisposeStartTimer();
        try
        {
            await _reminder.RemoveAsync();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The next tick finds the orchestration settled and tries again.
            LogReminderCleanupFailed(e);
        }
    }
}
