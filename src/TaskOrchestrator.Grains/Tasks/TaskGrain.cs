using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TaskOrchestrator.Delivery;
using TaskOrchestrator.Hosting;
using TaskOrchestrator.Indexing;

namespace TaskOrchestrator.Tasks;

/// <summary>
/// One scheduled HTTP call. Its state and a reminder make it durable: whatever happens to this activation, the
/// reminder brings the task back. A grain timer armed for the exact due time makes it precise.
/// </summary>
/// <remarks>
/// The timer's callback interleaves with grain calls, so status, cancel and reschedule answer at once while a
/// call to the target is in flight; every decision is taken synchronously before the first await, and writes go
/// through one chain, so interleaving never races two writes.
/// </remarks>
public sealed partial class TaskGrain(
    [PersistentState("task", StorageNames.Tasks)] IPersistentState<TaskGrainState> state,
    TaskHttpInvoker invoker,
    ITaskIndex index,
    TimeProvider time,
    IOptions<TaskSchedulingOptions> scheduling,
    ILogger<TaskGrain> logger) : Grain, ITaskGrain, IRemindable
{
    private const string ReminderName = "due";

    private readonly TaskSchedulingOptions _scheduling = scheduling.Value;
    private IGrainTimer? _timer;
    private IGrainReminder? _reminder;
    private Task _reminderChange = Task.CompletedTask;
    private Task _lastWrite = Task.CompletedTask;
    private bool _attemptInFlight;
    private bool _lastWriteFailed;

    private TaskGrainState State => state.State;

    private DateTimeOffset Now => time.GetUtcNow();

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!state.RecordExists)
        {
            return Task.CompletedTask;
        }

        if (State.Status == ScheduledTaskStatus.Running)
        {
            // The activation that started this attempt is gone mid-call: try again.
            LogResumingInterruptedAttempt(State.Attempts);
            ArmTimer(TimeSpan.Zero);
        }
        else if (State.Status == ScheduledTaskStatus.Scheduled && State.DueAt - Now <= _scheduling.ActivationWindow)
        {
            ArmTimerForDueTime();
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task<TaskCommandResult> ScheduleAsync(TaskDefinition definition)
    {
        if (state.RecordExists || State.Definition is not null)
        {
            return TaskCommandResult.Conflict(Snapshot(), "A task with this id already exists.");
        }

        state.State = new TaskGrainState { Definition = definition, Status = ScheduledTaskStatus.Scheduled, DueAt = definition.DueAt };
        var near = ArmOrReleaseForDueTime();
        await RegisterReminderAsync();
        await PersistAsync();
        LogScheduled(definition.DueAt, definition.Url);
        if (!near)
        {
            DeactivateOnIdle();
        }

        return TaskCommandResult.Ok(Snapshot());
    }

    /// <inheritdoc />
    public async Task<TaskCommandResult> CancelAsync()
    {
        if (!state.RecordExists)
        {
            return TaskCommandResult.NotFound();
        }

        if (State.Status == ScheduledTaskStatus.Cancelled)
        {
            return TaskCommandResult.Ok(Snapshot());
        }

        if (State.Status != ScheduledTaskStatus.Scheduled)
        {
            return TaskCommandResult.Conflict(Snapshot(), $"The task is {State.Status} and can no longer be cancelled.");
        }

        State.Status = ScheduledTaskStatus.Cancelled;
        State.FinishedAt = Now;
        DisposeTimer();
        await PersistAsync();
        LogCancelled();
        await UnregisterReminderAsync();
        DeactivateOnIdle();
        return TaskCommandResult.Ok(Snapshot());
    }

    /// <inheritdoc />
    public async Task<TaskCommandResult> RescheduleAsync(DateTimeOffset dueAt)
    {
        if (!state.RecordExists)
        {
            return TaskCommandResult.NotFound();
        }

        if (State.Status != ScheduledTaskStatus.Scheduled)
        {
            return TaskCommandResult.Conflict(Snapshot(), $"The task is {State.Status} and can no longer be changed.");
        }

        var previous = State.DueAt;
        State.DueAt = dueAt;
        ArmOrReleaseForDueTime();
        await RegisterReminderAsync();
        await PersistAsync();
        LogRescheduled(previous, dueAt);
        return TaskCommandResult.Ok(Snapshot());
    }

    /// <inheritdoc />
    public Task<TaskSnapshot?> GetAsync() => Task.FromResult(state.RecordExists ? Snapshot() : null);

    /// <inheritdoc />
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (!state.RecordExists || State.Status.IsFinal())
        {
            // A leftover: the task never got saved, or it finished but the clean-up failed. Finish the clean-up.
            if (_lastWriteFailed)
            {
                await PersistAsync();
            }

            await UnregisterReminderAsync();
            DeactivateOnIdle();
            return;
        }

        if (_attemptInFlight || _timer is not null)
        {
            return;
        }

        // The timer was lost with an earlier activation (or this one was woken ahead of time): arm it now.
        if (State.Status == ScheduledTaskStatus.Running)
        {
            ArmTimer(TimeSpan.Zero);
        }
        else
        {
            ArmTimerForDueTime();
        }
    }

    private async Task OnTimerAsync(CancellationToken cancellationToken)
    {
        if (_attemptInFlight || State.Status.IsFinal())
        {
            return;
        }

        if (State.Status == ScheduledTaskStatus.Scheduled)
        {
            // Grain timers can fire a few milliseconds early: never run before the due time.
            if (State.DueAt > Now)
            {
                ArmTimerForDueTime();
                return;
            }
        }

        DisposeTimer();
        await RunAttemptAsync();
    }

    private async Task RunAttemptAsync()
    {
        _attemptInFlight = true;
        try
        {
            var definition = State.Definition!;
            var startedAt = Now;
            State.Status = ScheduledTaskStatus.Running;
            State.Attempts++;
            State.StartedAt ??= startedAt;
            LogAttemptStarted(State.Attempts, (startedAt - State.DueAt).TotalMilliseconds);

            // The call does not wait for the "Running" write: a crash before either finishes runs the task again
            // on recovery, which at-least-once delivery allows, and the write's latency is kept off the due time.
            var running = PersistAsync();
            var response = await invoker.InvokeAsync(definition, CancellationToken.None);
            await IgnoreFailure(running);

            State.Status = response.IsSuccess ? ScheduledTaskStatus.Completed : ScheduledTaskStatus.Failed;
            State.FinishedAt = Now;
            State.Response = response;
            await PersistAsync();
            LogAttemptFinished(State.Status, response.StatusCode, response.Error);
            await UnregisterReminderAsync();
        }
        finally
        {
            _attemptInFlight = false;
        }

        DeactivateOnIdle();
    }

    private TaskSnapshot Snapshot()
    {
        var definition = State.Definition!;
        return new TaskSnapshot(
            this.GetPrimaryKey(), definition.Owner, definition.Url, definition.Method, definition.CreatedAt, State.DueAt,
            State.Status, State.Attempts, State.StartedAt, State.FinishedAt, State.Response);
    }
}
