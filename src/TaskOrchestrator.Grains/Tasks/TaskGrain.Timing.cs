using Orleans.Storage;
using TaskOrchestrator.Storage;

namespace TaskOrchestrator.Tasks;

/// <summary>The timer, reminder and write plumbing of <see cref="TaskGrain"/>.</summary>
public sealed partial class TaskGrain
{
    /// <summary>What the timer works towards: the due time, the next retry, or now for an attempt a silo's death interrupted.</summary>
    private DateTimeOffset FireAt => State.Status == ScheduledTaskStatus.Scheduled ? State.DueAt : State.NextAttemptAt ?? Now;

    /// <summary>Arms the timer when the task is near; returns false when it is far and the activation may go.</summary>
    private bool ArmOrReleaseForDueTime()
    {
        if (FireAt - Now <= _scheduling.ActivationWindow)
        {
            ArmTimerForDueTime();
            return true;
        }

        DisposeTimer();
        return false;
    }

    /// <summary>Arms the timer <see cref="TaskSchedulingOptions.DispatchLead"/> before the due time; the dispatcher does the rest.</summary>
    private void ArmTimerForDueTime()
    {
        var remaining = FireAt - _scheduling.DispatchLead - Now;
        ArmTimer(remaining <= TimeSpan.Zero ? TimeSpan.Zero : TimeSpan.FromMilliseconds(Math.Floor(remaining.TotalMilliseconds)));
    }

    private void ArmTimer(TimeSpan dueTime)
    {
        DisposeTimer();
        _timer = this.RegisterGrainTimer(
            OnTimerAsync,
            new GrainTimerCreationOptions(dueTime, Timeout.InfiniteTimeSpan) { KeepAlive = true, Interleave = true });
    }

    private void DisposeTimer()
    {
        _timer?.Dispose();
        _timer = null;
    }

    private Task RegisterReminderAsync()
    {
        _reminderChange = RegisterAsync(_reminderChange, _scheduling.FirstReminderTick(FireAt - Now));
        return _reminderChange;

        async Task RegisterAsync(Task previous, TimeSpan dueTime)
        {
            await IgnoreFailure(previous);
            _reminder = await this.RegisterOrUpdateReminder(ReminderName, dueTime, _scheduling.ReminderPeriod);
        }
    }

    private Task UnregisterReminderAsync()
    {
        // A finished task whose listing rows are behind keeps its reminder: the next tick writes them again.
        if (_listingStale)
        {
            return _reminderChange;
        }

        _reminderChange = UnregisterAsync(_reminderChange);
        return _reminderChange;

        async Task UnregisterAsync(Task previous)
        {
            await IgnoreFailure(previous);
            var reminder = _reminder ?? await this.GetReminder(ReminderName);
            if (reminder is not null)
            {
                await this.UnregisterReminder(reminder);
            }

            _reminder = null;
        }
    }

    /// <summary>
    /// Writes the state (and with it the task's listing rows) as it is when the write starts, after any earlier write.
    /// A state stored whose listing rows were not counts as written (<see cref="_listingStale"/> says so); a state
    /// storage refuses for its size is made smaller once and written again (<see cref="TaskGrainState.Compact"/>).
    /// </summary>
    private Task PersistAsync()
    {
        _lastWrite = WriteAsync(_lastWrite);
        return _lastWrite;

        async Task WriteAsync(Task previous)
        {
            await IgnoreFailure(previous);
            try
            {
                try
                {
                    await state.WriteStateAsync();
                }
                catch (RowTooLargeException e)
                {
                    State.Compact(Now);
                    LogCompacted(e);
                    await state.WriteStateAsync();
                }

                _listingStale = false;
            }
            catch (ListingWriteException e)
            {
                _listingStale = true;
                LogListingDeferred(e);
            }
            catch (InconsistentStateException)
            {
                // Someone else wrote this task (or a timed-out write landed after all): reload from storage.
                DeactivateOnIdle();
                throw;
            }
        }
    }

    /// <summary>
    /// A change was not stored, so the caller hears it failed; but a failed write may still have landed. This activation
    /// stops trusting its memory and goes away: the next one (the reminder's next tick at the latest) reads storage.
    /// </summary>
    private void ForgetUnconfirmedChange()
    {
        DisposeTimer();
        _stateUncertain = true;
        DeactivateOnIdle();
    }

    private static async Task IgnoreFailure(Task task)
    {
        try
        {
            await task;
        }
        catch
        {
            // Reported to the caller that started it.
        }
    }
}
