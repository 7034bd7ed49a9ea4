using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Placement;
using TaskOrchestrator.Delivery;
using TaskOrchestrator.Hosting;
using TaskOrchestrator.Telemetry;

namespace TaskOrchestrator.Tasks;

/// <summary>
/// One scheduled HTTP call. Its state and a reminder make it durable: whatever happens to this activation, the
/// reminder brings the task back. A grain timer armed for the exact due time makes it precise.
/// </summary>
/// <remarks>
/// The timer's callback interleaves with grain calls, so status, cancel and reschedule answer at once while a
/// call to the target is in flight; every decision is taken synchronously before the first await, and writes go
/// through one chain, so interleaving never races two writes.
/// <para>
/// Placed on the silo that took the call: that is where the gateway minted the id, so activating it needs no
/// storage read, and a node's load follows the requests it takes.
/// </para>
/// </remarks>
[PreferLocalPlacement]
public sealed partial class TaskGrain(
    [PersistentState("task", StorageNames.Tasks)] IPersistentState<TaskGrainState> state,
    TaskHttpInvoker invoker,
    PreciseDispatcher dispatcher,
    TimeProvider time,
    IOptions<TaskSchedulingOptions> scheduling,
    TaskHandover handover,
    TaskOrchestratorMetrics metrics,
    ILogger<TaskGrain> logger) : Grain, ITaskGrain, IRemindable
{
    private const string ReminderName = "due";

    // How much earlier than expected a grain timer may fire and still be taken as on time.
    private static readonly TimeSpan TimerSlack = TimeSpan.FromMilliseconds(10);

    private readonly TaskSchedulingOptions _scheduling = scheduling.Value;
    private IGrainTimer? _timer;
    private IGrainReminder? _reminder;
    private Task _reminderChange = Task.CompletedTask;
    private Task _lastWrite = Task.CompletedTask;
    private bool _attemptInFlight;
    private bool _lastWriteFailed;
    private bool _stateUncertain;

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
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Orleans is taking this activation away without the task asking for it. An armed timer would die with it and
        // the task would wait for its reminder: hand it over to a new activation at once instead.
        if (_timer is not null && !State.Status.IsFinal()
            && reason.ReasonCode is DeactivationReasonCode.ShuttingDown or DeactivationReasonCode.DirectoryFailure)
        {
            var elsewhere = reason.ReasonCode == DeactivationReasonCode.ShuttingDown;
            if (handover.Wake(this.GetPrimaryKey(), elsewhere))
            {
                LogHandedOver(reason.ReasonCode);
            }
            else
            {
                LogNoSiloToHandOverTo();
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task WakeAsync() => Task.CompletedTask;

    /// <inheritdoc />
    public async Task<TaskCommandResult> ScheduleAsync(TaskDefinition definition)
    {
        if (state.RecordExists || State.Definition is not null)
        {
            return TaskCommandResult.Conflict(Snapshot(), "A task with this id already exists.");
        }

        state.State = new TaskGrainState { Definition = definition, Status = ScheduledTaskStatus.Scheduled, DueAt = definition.DueAt };
        var near = ArmOrReleaseForDueTime();
        try
        {
            // The reminder first: a stored task always has one. A reminder without a stored task cleans itself up.
            await RegisterReminderAsync();
            await PersistAsync();
        }
        catch
        {
            // Not acknowledged, so this activation does not run it. A write that failed here may still have
            // landed, so this activation no longer trusts its memory: the next one reads storage (see ReceiveReminder).
            DisposeTimer();
            state.State = new TaskGrainState();
            _stateUncertain = true;
            DeactivateOnIdle();
            throw;
        }

        LogScheduled(definition.DueAt, definition.Method, definition.Url);
        metrics.TaskScheduled();
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
        try
        {
            await PersistAsync();
        }
        catch
        {
            ForgetUnconfirmedChange();
            throw;
        }

        LogCancelled();
        metrics.TaskCancelled();
        NotifyObserver();
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

        // Stored before the timer and reminder move: when the write fails, the caller hears so, and the stored time (which
        // the reminder still matches) is what the next activation finds.
        var previous = State.DueAt;
        State.DueAt = dueAt;
        try
        {
            await PersistAsync();
        }
        catch
        {
            ForgetUnconfirmedChange();
            throw;
        }

        ArmOrReleaseForDueTime();
        await RegisterReminderAsync();
        LogRescheduled(previous, dueAt);
        return TaskCommandResult.Ok(Snapshot());
    }

    /// <inheritdoc />
    public Task<TaskSnapshot?> GetAsync() => Task.FromResult(state.RecordExists ? Snapshot() : null);

    /// <inheritdoc />
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (_stateUncertain)
        {
            DeactivateOnIdle();
            return;
        }

        if (!state.RecordExists || State.Status.IsFinal())
        {
            // A leftover: the task was never stored, or it finished but its clean-up failed. Finish the clean-up.
            if (state.RecordExists && _lastWriteFailed)
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

        // The timer is armed a little before the due time and the dispatcher waits out the rest; a timer that comes
        // much earlier than that (rescheduled meanwhile, or fired early) is armed again.
        if (State.Status == ScheduledTaskStatus.Scheduled && State.DueAt - Now > _scheduling.DispatchLead + TimerSlack)
        {
            ArmTimerForDueTime();
            return;
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
            var dueAt = State.DueAt;
            State.Status = ScheduledTaskStatus.Running;
            State.Attempts++;

            // The dispatcher never starts the call before the due time; the exact start replaces this once known.
            State.StartedAt ??= dueAt > Now ? dueAt : Now;
            var firstAttempt = State.Attempts == 1;
            LogRunning(State.Attempts, dueAt);

            // The call does not wait for the "Running" write: a crash before either finishes runs the task again
            // on recovery, which at-least-once delivery allows, and the write's latency stays off the due time.
            // The dispatcher starts the call on its own thread at the due instant; nothing of the grain is touched there.
            var running = PersistAsync();
            var (startedAt, call) = await dispatcher.RunAtAsync(dueAt, () =>
                Task.FromResult((time.GetUtcNow(), invoker.InvokeAsync(this.GetPrimaryKey(), State.Attempts, definition, CancellationToken.None))));
            if (firstAttempt)
            {
                State.StartedAt = startedAt;
            }

            metrics.TaskFired(State.Attempts, (startedAt - dueAt).TotalMilliseconds);

            var response = await call;
            await IgnoreFailure(running);

            State.Status = response.IsSuccess ? ScheduledTaskStatus.Completed : ScheduledTaskStatus.Failed;
            State.FinishedAt = Now;
            State.Response = response;
            await PersistAsync();
            LogAttemptFinished(State.Status, (startedAt - dueAt).TotalMilliseconds, response.StatusCode, response.Error);
            metrics.TaskFinished(response.IsSuccess);
            NotifyObserver();
            await UnregisterReminderAsync();
        }
        finally
        {
            _attemptInFlight = false;
        }

        DeactivateOnIdle();
    }

    /// <summary>
    /// Tells the grain that scheduled this task (an orchestration step or check) that it finished. One-way and after the
    /// final state is stored: the task never waits for its observer, and an observer that misses this reads the task on recovery.
    /// </summary>
    private void NotifyObserver()
    {
        if (State.Definition?.Observer is not { } observer)
        {
            return;
        }

        try
        {
            GrainFactory.GetGrain<ITaskObserver>(observer).OnTaskFinishedAsync(Snapshot()).Ignore();
        }
        catch (Exception e)
        {
            LogObserverNotFound(observer, e);
        }
    }

    private TaskSnapshot Snapshot() => State.ToSnapshot(this.GetPrimaryKey());
}
