using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Placement;
using TaskOrchestrator.Callbacks;
using TaskOrchestrator.Delivery;
using TaskOrchestrator.Hosting;
using TaskOrchestrator.Persistence;
using TaskOrchestrator.Quotas;
using TaskOrchestrator.Retention;
using TaskOrchestrator.Tasks.Lifecycle;
using TaskOrchestrator.Telemetry;

namespace TaskOrchestrator.Tasks;

/// <summary>
/// One scheduled HTTP call. Its state and a reminder make it durable: whatever happens to this activation, the
/// reminder brings the task back. A grain timer armed for the exact due time makes it precise. What the task does and
/// when is decided by its <see cref="TaskLifecycle"/>; this grain keeps the timer, the reminder, the writes and the call.
/// </summary>
/// <remarks>
/// The timer's callback interleaves with grain calls, so status, cancel and reschedule answer at once while a call to
/// the target is in flight; every decision is taken synchronously before the first await, and writes go through one
/// chain (<see cref="StateWriter{TState}"/>), so interleaving never races two writes.
/// <para>
/// Placed on the silo that took the call: that is where the gateway minted the id, so activating it needs no storage
/// read, and a node's load follows the requests it takes.
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
    ILogger<TaskGrain> logger,
    CallbackSender callbacks,
    IOptions<RetentionOptions> retention) : Grain, ITaskGrain, IRemindable
{
    private const string ReminderName = "due";

    private readonly TaskSchedulingOptions _scheduling = scheduling.Value;
    private readonly TaskLifecycle _task = new(scheduling.Value, time) { DefaultRetention = retention.Value.Finished };
    private StateWriter<TaskGrainState> _writes = null!;
    private GrainReminder _reminder = null!;
    private IGrainTimer? _timer;

    private TaskGrainState State => _task.State;

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _writes = new StateWriter<TaskGrainState>(state, DeactivateOnIdle) { OnTooLarge = LogCompacted, OnListingBehind = LogListingDeferred };
        _reminder = new GrainReminder(this, ReminderName);
        var decision = _task.Load(state.State, state.RecordExists);
        if (_task.Phase == TaskPhase.Interrupted)
        {
            // The activation that started this attempt is gone mid-call: try again.
            LogResumingInterruptedAttempt(State.AttemptsStarted);
        }

        ApplyTimer(decision);
        ArmCallback();
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
        if (_task.IsExpired)
        {
            // A repeat of the request that created it (same Idempotency-Key), after its retention: gone, not created again.
            return TaskCommandResult.NotFound();
        }

        if (_task.Schedule(definition) != TaskCommandOutcome.Ok)
        {
            return TaskCommandResult.Conflict(Snapshot(), "A task with this id already exists.");
        }

        state.State = State;
        try
        {
            // The reminder first: a stored task always has one. A reminder without a stored task cleans itself up.
            await _reminder.RegisterAsync(_task.FirstReminderTick(), _scheduling.ReminderPeriod);
            await _writes.WriteAsync();
        }
        catch
        {
            // Not acknowledged, so this activation does not run it. A write that failed here may still have landed, so
            // this activation no longer trusts its memory: the next one reads storage (its reminder's tick at the latest).
            _task.Abandon();
            state.State = State;
            _writes.Distrust();
            throw;
        }

        var near = ApplyTimer(_task.Stored());
        LogScheduled(definition.DueAt, definition.Method, definition.Url);
        metrics.TaskScheduled();
        if (!near)
        {
            DeactivateOnIdle();
        }

        return TaskCommandResult.Ok(Snapshot());
    }

    /// <inheritdoc />
    public async Task<TaskCommandResult> CancelAsync(string? owner = null)
    {
        if (NotFoundFor(owner) is { } notFound)
        {
            return notFound;
        }

        switch (_task.Cancel())
        {
            case TaskDecision.Refused refused:
                return Refusal(refused);
            case TaskDecision.Finished:
                DisposeTimer();
                await WriteChangeAsync();
                LogCancelled();
                metrics.TaskCancelled();
                await FinishAsync();
                return TaskCommandResult.Ok(Snapshot());
            default:
                return TaskCommandResult.Ok(Snapshot());
        }
    }

    /// <inheritdoc />
    public Task<TaskCommandResult> RescheduleAsync(DueTimeChange dueTime, string? owner = null)
    {
        ArgumentNullException.ThrowIfNull(dueTime);
        return ChangeAsync(new TaskChange(dueTime), owner);
    }

    /// <inheritdoc />
    public Task<TaskSnapshot?> GetAsync()
    {
        if (_task.Phase == TaskPhase.None)
        {
            // Asked about a task that does not exist (or no longer does): nothing to keep in memory.
            DeactivateOnIdle();
        }

        // Past its retention it is gone, whether or not the sweep has removed its rows yet.
        return Task.FromResult(_task.IsStored && !_task.IsExpired ? Snapshot() : null);
    }

    /// <inheritdoc />
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (_writes.Distrusted)
        {
            DeactivateOnIdle();
            return;
        }

        if (_task.CallbackOwed)
        {
            // The callback's attempts run on their own timer; this tick re-arms it when the activation that had it is gone.
            ArmCallback();
            return;
        }

        switch (_task.OnReminder(writeInFlight: _writes.Busy, timerArmed: _timer is not null))
        {
            case TaskDecision.Clean:
                // A leftover: the task was never stored, or it finished but its clean-up did not. This activation cannot
                // tell whether the final write's listing rows were stored before a crash, so it writes the task once more.
                if (_task.IsStored)
                {
                    await _writes.WriteAsync(_task.Compact);
                }

                await RemoveReminderAsync();
                if (!_writes.ListingBehind)
                {
                    DeactivateOnIdle();
                }

                break;
            case var decision:
                // The timer was lost with an earlier activation (or this one was woken ahead of time): arm it now.
                ApplyTimer(decision);
                break;
        }
    }

    /// <summary>Makes one attempt: the dispatcher starts the call at the due instant, and its outcome is stored.</summary>
    private async Task RunAttemptAsync(TaskDecision.MakeCall call)
    {
        var (number, dueAt) = (call.Attempt, call.DueAt);
        LogRunning(number, dueAt);
        TaskDecision outcome;
        try
        {
            // The dispatcher starts the call on its own thread at the due instant; nothing of the grain is touched there.
            var (id, definition) = (this.GetPrimaryKey(), State.Definition!);
            var (startedAt, response) = await dispatcher.RunAtAsync(dueAt, () =>
                (time.GetUtcNow(), invoker.InvokeAsync(id, number, definition, CancellationToken.None)));
            _task.CallStarted(startedAt);
            metrics.TaskFired(number, (startedAt - dueAt).TotalMilliseconds);
            outcome = _task.CallFinished(await AwaitCallAsync(response), Random.Shared.NextDouble());
        }
        catch
        {
            // Not made (the dispatcher abandoned it as its silo stops): the next activation makes it again.
            _task.CallAbandoned();
            throw;
        }

        await _writes.WriteAsync(_task.Compact);

        // A write storage refused for its size ends the task (see TaskGrainState.Compact), whatever was decided above.
        if (!State.Status.IsFinal())
        {
            LogRetrying(number, State.Response?.StatusCode, State.Response?.Error, ((TaskDecision.Retry)outcome).At);

            // Armed only now: a timer due at once would otherwise find the attempt still in flight and be lost.
            if (!ApplyTimer(_task.Plan()))
            {
                DeactivateOnIdle();
            }

            await _reminder.RegisterAsync(_task.FirstReminderTick(), _scheduling.ReminderPeriod);
            return;
        }

        LogAttemptFinished(State.Status, (State.StartedAt!.Value - State.DueAt).TotalMilliseconds, State.Response?.StatusCode, State.Response?.Error);
        metrics.TaskFinished(State.Status == ScheduledTaskStatus.Completed);
        await FinishAsync();
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

        var running = _writes.WriteAsync(_task.Compact);
        var response = await call;
        try
        {
            await running;
        }
        catch
        {
            // The outcome's write, next, tries again.
        }

        return response;
    }

    /// <summary>
    /// What follows a final write: the grain that scheduled this task (an orchestration step or check) and the owner's
    /// count of pending tasks hear of it one-way (after the write: the task never waits for them, and an observer that
    /// misses it reads the task on recovery), the reminder goes, and so does the activation.
    /// </summary>
    private async Task FinishAsync()
    {
        if (State.Definition?.Observer is { } observer)
        {
            try
            {
                GrainFactory.GetGrain<ITaskObserver>(observer).OnTaskFinishedAsync(Snapshot()).Ignore();
            }
            catch (Exception e)
            {
                LogObserverNotFound(observer, e);
            }
        }

        PendingRelease.TaskFinished(GrainFactory, State.Definition);
        if (ArmCallback())
        {
            // The reminder stays until the callback is settled: it brings the callback back after a silo's death.
            return;
        }

        await RemoveReminderAsync();
        DeactivateOnIdle();
    }

    /// <summary>
    /// Writes a change a command made. When it fails, the caller hears so; but a failed write may still have landed, so
    /// this activation stops trusting its memory and goes away: the next one (the reminder's next tick at the latest)
    /// reads storage.
    /// </summary>
    private async Task WriteChangeAsync()
    {
        try
        {
            await _writes.WriteOrDistrustAsync();
        }
        catch
        {
            DisposeTimer();
            throw;
        }
    }

    // A finished task whose listing rows are behind keeps its reminder: the next tick writes them again.
    private Task RemoveReminderAsync() => _writes.ListingBehind ? Task.CompletedTask : _reminder.RemoveAsync();

    // An expired task is gone for its owner as for GET, even before the sweep removes its rows.
    private TaskCommandResult? NotFoundFor(string? owner) =>
        !_task.IsStored || _task.IsExpired || (owner is not null && State.Definition!.Owner != owner) ? TaskCommandResult.NotFound() : null;

    private TaskCommandResult Refusal(TaskDecision.Refused refused) => refused.Outcome == TaskCommandOutcome.NotFound
        ? TaskCommandResult.NotFound()
        : TaskCommandResult.Conflict(Snapshot(), refused.Reason);

    private TaskSnapshot Snapshot() => State.ToSnapshot(this.GetPrimaryKey());
}
