using Microsoft.Extensions.Logging;

namespace TaskOrchestrator.Schedules;

/// <summary>The timer, reminder and log lines of <see cref="ScheduleGrain"/>.</summary>
public sealed partial class ScheduleGrain
{
    /// <summary>
    /// Arms the timer for the next creation when it is near (the activation stays). When it is far, the reminder wakes
    /// the schedule in time and the idle activation is collected like any other (not deactivated here: a read arriving
    /// meanwhile would be rejected by an activation on its way out).
    /// </summary>
    private void ArmIfNear()
    {
        if (!_schedule.Exists || _schedule.WakeAt is not { } wake)
        {
            DisposeTimer();
            return;
        }

        var remaining = wake - Now;
        if (remaining > _scheduling.ActivationWindow)
        {
            DisposeTimer();
            return;
        }

        DisposeTimer();
        _timer = this.RegisterGrainTimer(
            OnTimerAsync,
            new GrainTimerCreationOptions(remaining <= TimeSpan.Zero ? TimeSpan.Zero : TimeSpan.FromMilliseconds(Math.Floor(remaining.TotalMilliseconds)), Timeout.InfiniteTimeSpan)
            {
                KeepAlive = true,
            });
    }

    private async Task OnTimerAsync(CancellationToken cancellationToken)
    {
        DisposeTimer();
        await HandleDueAsync();
    }

    private void DisposeTimer()
    {
        _timer?.Dispose();
        _timer = null;
    }

    /// <summary>
    /// The reminder that brings the schedule back: while the next creation is near, one that ticks every
    /// <see cref="Tasks.TaskSchedulingOptions.ReminderPeriod"/> (registered once per activation, it costs nothing per
    /// occurrence); when it is far, one moved to <see cref="Tasks.TaskSchedulingOptions.WakeLead"/> before it. None once
    /// the schedule has ended.
    /// </summary>
    private async Task PlanReminderAsync()
    {
        if (_schedule.WakeAt is not { } wake)
        {
            await RemoveReminderAsync();
            return;
        }

        var untilWake = wake - Now;
        if (untilWake <= _scheduling.ActivationWindow)
        {
            if (!_reminderSteady)
            {
                var first = untilWake + _scheduling.ReminderGrace;
                await _reminder.RegisterAsync(first < TimeSpan.Zero ? TimeSpan.Zero : first, _scheduling.ReminderPeriod);
                _reminderSteady = true;
            }

            return;
        }

        await _reminder.RegisterAsync(untilWake - _scheduling.WakeLead, _scheduling.ReminderPeriod);
        _reminderSteady = false;
    }

    private async Task RemoveReminderAsync()
    {
        await _reminder.RemoveAsync();
        _reminderSteady = false;
    }

    [LoggerMessage(EventId = 5000, Level = LogLevel.Information, Message = "Schedule {ScheduleId} created: {Cadence} in {TimeZone}, paused {Paused}")]
    private partial void LogCreated(Guid scheduleId, string cadence, string timeZone, bool paused);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Schedule {ScheduleId} paused")]
    private partial void LogPaused(Guid scheduleId);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "Schedule {ScheduleId} resumed")]
    private partial void LogResumed(Guid scheduleId);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Information, Message = "Schedule {ScheduleId} deleted")]
    private partial void LogDeleted(Guid scheduleId);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Information, Message = "Schedule {ScheduleId} occurrence {ScheduledFor:O} skipped: {Reason}")]
    private partial void LogSkipped(Guid scheduleId, DateTimeOffset scheduledFor, string? reason);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Warning, Message = "Schedule {ScheduleId}: occurrences could not be created or recorded; the reminder handles them again")]
    private partial void LogOccurrencesDeferred(Guid scheduleId, Exception exception);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Warning, Message = "Schedule {ScheduleId} stored, but its listing rows were not; its next change writes them again")]
    private partial void LogListingDeferred(Guid scheduleId, Exception exception);
}
