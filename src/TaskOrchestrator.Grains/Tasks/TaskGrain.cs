using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Placement;
using TaskOrchestrator.Delivery;
using TaskOrchestrator.Hosting;
using TaskOrchestrator.Quotas;
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

    // The longest Retry-After honoured: a target asking for more is retried after this long.
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromHours(24);

    // How much earlier than expected a grain timer may fire and still be taken as on time.
    private static readonly TimeSpan TimerSlack = TimeSpan.FromMilliseconds(10);

    private readonly TaskSchedulingOptions _scheduling = scheduling.Value;
    private IGrainTimer? _timer;
    private IGrainReminder? _reminder;
    private Task _reminderChange = Task.CompletedTask;
    private Task _lastWrite = Task.CompletedTask;
    private bool _attemptInFlight;
    private bool _listingStale;
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

        if (State.Status == ScheduledTaskStatus.Running && State.NextAttemptAt is null)
        {
            // The activation that started this attempt is gone mid-call: try again.
            LogResumingInterruptedAttempt(State.Attempts);
            State.UpdateLastAttempt(a => a.FinishedAt is null && a.Error is null
                ? a with { Error = "Interrupted: the silo making this attempt stopped before it finished; the next attempt was made at once." }
                : a);
            ArmTimer(TimeSpan.Zero);
        }
        else if (!State.Status.IsFinal() && FireAt - Now <= _scheduling.ActivationWindow)
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
            state.State = new TaskGrainState();
            _stateUncertain = true;
            DeactivateOnIdle();
            throw;
        }

        // Armed only once the task is stored: a timer armed earlier could fire during the writes (it interleaves) and
        // call the target for a task whose creation then failed, and the first write would record that attempt.
        var near = ArmOrReleaseForDueTime();
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

        // Between attempts (a failed attempt waiting for its retry) nothing is in flight, so the retries can be called off.
        var waitingForRetry = State.Status == ScheduledTaskStatus.Running && State.NextAttemptAt is not null && !_attemptInFlight;
        if (State.Status != ScheduledTaskStatus.Scheduled && !waitingForRetry)
        {
            return TaskCommandResult.Conflict(Snapshot(), $"The task is {State.Status} and can no longer be cancelled.");
        }

        State.Status = ScheduledTaskStatus.Cancelled;
        State.NextAttemptAt = null;
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
        PendingRelease.TaskFinished(GrainFactory, State.Definition);
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
    public Task<TaskSnapshot?> GetAsync()
    {
        if (!state.RecordExists && State.Definition is null)
        {
            // Asked about a task that does not exist (or no longer does): nothing to keep in memory.
            DeactivateOnIdle();
            return Task.FromResult<TaskSnapshot?>(null);
        }

        return Task.FromResult(state.RecordExists ? Snapshot() : null);
    }

    /// <inheritdoc />
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (_stateUncertain)
        {
            DeactivateOnIdle();
            return;
        }

        // An attempt or a write in flight finishes what follows it (its final write, then the reminder's removal): removing
        // the reminder now could leave a task whose write then fails with no reminder at all.
        if (_attemptInFlight || !_lastWrite.IsCompleted)
        {
            return;
        }

        if (!state.RecordExists || State.Status.IsFinal())
        {
            // A leftover: the task was never stored, or it finished but its clean-up did not. This activation cannot tell
            // whether the final write's listing rows were stored before a crash, so it writes the task once more.
            if (state.RecordExists)
            {
                await PersistAsync();
            }

            await UnregisterReminderAsync();
            if (!_listingStale)
            {
                DeactivateOnIdle();
            }

            return;
        }

        if (_timer is not null)
        {
            return;
        }

        // The timer was lost with an earlier activation (or this one was woken ahead of time): arm it now.
        if (State.Status == ScheduledTaskStatus.Running && State.NextAttemptAt is null)
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
        if (FireAt - Now > _scheduling.DispatchLead + TimerSlack)
        {
            ArmTimerForDueTime();
            return;
        }

        DisposeTimer();
        await RunAttemptAsync();
    }

    private async Task RunAttemptAsync()
    {
        bool retrying;
        _attemptInFlight = true;
        try
        {
            var definition = State.Definition!;
            var dueAt = FireAt;
            State.Status = ScheduledTaskStatus.Running;
            State.NextAttemptAt = null;
            var number = ++State.Attempts;

            // The dispatcher never starts the call before the due time; the exact start replaces this once known.
            var estimate = dueAt > Now ? dueAt : Now;
            State.StartedAt ??= estimate;
            State.AddAttempt(new TaskAttempt(number, estimate, null, null, null));
            LogRunning(number, dueAt);

            // The dispatcher starts the call on its own thread at the due instant; nothing of the grain is touched there.
            var id = this.GetPrimaryKey();
            var (startedAt, call) = await dispatcher.RunAtAsync(dueAt, () =>
                Task.FromResult((time.GetUtcNow(), invoker.InvokeAsync(id, number, definition, CancellationToken.None))));
            if (number == 1)
            {
                State.StartedAt = startedAt;
            }

            State.UpdateLastAttempt(a => a with { StartedAt = startedAt });
            metrics.TaskFired(number, (startedAt - dueAt).TotalMilliseconds);

            var response = await AwaitCallAsync(call);

            var finishedAt = Now;
            State.FinishedAttempts++;
            State.UpdateLastAttempt(a => a with { FinishedAt = finishedAt, StatusCode = response.StatusCode, Error = response.Error });
            State.Response = response;
            if (RetryDelay(definition, response) is { } delay)
            {
                // Still Running: the next attempt is due after the pause, and the reminder brings it back wherever this activation is by then.
                State.NextAttemptAt = finishedAt + delay;
            }
            else
            {
                State.Status = response.IsSuccess ? ScheduledTaskStatus.Completed : ScheduledTaskStatus.Failed;
                State.FinishedAt = finishedAt;
            }

            await PersistAsync();

            // A write storage refused for its size ends the task (see TaskGrainState.Compact), whatever was decided above.
            retrying = !State.Status.IsFinal();
            if (retrying)
            {
                LogRetrying(number, response.StatusCode, response.Error, State.NextAttemptAt!.Value);
            }
            else
            {
                LogAttemptFinished(State.Status, (State.StartedAt!.Value - State.DueAt).TotalMilliseconds, response.StatusCode, response.Error);
                metrics.TaskFinished(State.Status == ScheduledTaskStatus.Completed);
                NotifyObserver();
                PendingRelease.TaskFinished(GrainFactory, State.Definition);
                await UnregisterReminderAsync();
            }
        }
        finally
        {
            _attemptInFlight = false;
        }

        // Armed only now: a timer due at once would otherwise find the attempt still in flight and be lost.
        if (!retrying || !ArmOrReleaseForDueTime())
        {
            DeactivateOnIdle();
        }

        if (retrying)
        {
            await RegisterReminderAsync();
        }
    }

    /// <summary>
    /// Waits for the call. Only a call still running after <see cref="TaskSchedulingOptions.RunningRecordDelay"/> has its
    /// <c>Running</c> state written: most calls answer sooner and their attempt costs one row write (the result), not two.
    /// A crash before anything is written runs the task again on recovery, as it would after the write: at least once.
    /// </summary>
    private async Task<TaskResponse> AwaitCallAsync(Task<TaskResponse> call)
    {
        if (_scheduling.RunningRecordDelay > TimeSpan.Zero)
        {
            try
            {
                return await call.WaitAsync(_scheduling.RunningRecordDelay, time);
            }
            catch (TimeoutException)
            {
                // Still running: record it.
            }
        }

        var running = PersistAsync();
        var response = await call;
        await IgnoreFailure(running);
        return response;
    }

    /// <summary>How long to wait before the next attempt, or null when <paramref name="response"/> ends the task.</summary>
    private TimeSpan? RetryDelay(TaskDefinition definition, TaskResponse response)
    {
        if (definition.Delivery?.Retry is not { } policy || !policy.Retries(response) || State.FinishedAttempts >= policy.MaxAttempts)
        {
            return null;
        }

        var retryAfter = response.RetryAfter is { } asked && asked > MaxRetryAfter ? MaxRetryAfter : response.RetryAfter;
        return policy.DelayAfter(State.FinishedAttempts, Random.Shared.NextDouble(), retryAfter);
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
