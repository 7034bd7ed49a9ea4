using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Placement;
using TaskOrchestrator.Hosting;
using TaskOrchestrator.Indexing;
using TaskOrchestrator.Listing;
using TaskOrchestrator.Quotas;
using TaskOrchestrator.Storage;
using TaskOrchestrator.Tasks;
using TaskOrchestrator.Telemetry;

namespace TaskOrchestrator.Orchestrations;

/// <summary>
/// Runs a sequence of steps. Each step's call is a <see cref="TaskGrain"/> (precise, durable), scheduled only when its
/// turn comes; after it completes, a <see cref="ConditionCheckGrain"/> decides whether the next step runs. Finished
/// tasks and checks tell this grain one-way; its reminder is the recovery path that finds an outcome it missed.
/// </summary>
/// <remarks>
/// Not reentrant. Every call this grain makes goes to a task or check grain, which never calls back synchronously
/// (they notify one-way), so no call cycle can form; <see cref="GetAsync"/> interleaves so status reads never queue.
/// The cursor (<see cref="OrchestrationGrainState.Steps"/>) gets a step's task id before the task is scheduled, so
/// scheduling again after a crash hits the same task (which answers Conflict and its state) instead of running twice.
/// <para>
/// Placed on the silo that took the request, like its step tasks (which prefer the silo that minted their ids, this
/// one): a node's load follows the requests it takes, and scheduling a step needs no hop to another silo.
/// </para>
/// </remarks>
[PreferLocalPlacement]
public sealed partial class OrchestrationGrain(
    [PersistentState("orchestration", StorageNames.Orchestrations)] IPersistentState<OrchestrationGrainState> state,
    IOrchestrationIndex index,
    TaskIdMinter ids,
    TimeProvider time,
    IOptions<TaskSchedulingOptions> scheduling,
    TaskOrchestratorMetrics metrics,
    ILogger<OrchestrationGrain> logger) : Grain, IOrchestrationGrain, IRemindable
{
    private const string ReminderName = "orchestration";

    private readonly TaskSchedulingOptions _scheduling = scheduling.Value;
    private IGrainTimer? _startTimer;
    private IGrainReminder? _reminder;
    private readonly Dictionary<Guid, ScheduledTaskStatus> _seen = [];
    private bool _indexStale;
    private bool _stateUncertain;

    private OrchestrationGrainState State => state.State;

    private OrchestrationDefinition Definition => State.Definition!;

    private DateTimeOffset Now => time.GetUtcNow();

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        ArmStartTimerIfNear();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task<OrchestrationCommandResult> CreateAsync(OrchestrationDefinition definition)
    {
        if (state.RecordExists || State.Definition is not null)
        {
            return OrchestrationCommandResult.Conflict(Snapshot(), "An orchestration with this id already exists.");
        }

        state.State = new OrchestrationGrainState { Definition = definition, Status = OrchestrationStatus.Scheduled, Steps = [NewStep(definition.StartAt)] };
        try
        {
            await RegisterReminderAsync();
            await SaveAsync(indexChanged: true);
        }
        catch
        {
            // Not acknowledged: forget it here; a write that landed anyway is found by the next activation's reminder tick.
            state.State = new OrchestrationGrainState();
            DeactivateOnIdle();
            throw;
        }

        LogCreated(Definition.Steps.Count, definition.StartAt);
        metrics.OrchestrationCreated();
        await ScheduleCurrentTaskAsync();
        ArmStartTimerIfNear();
        return OrchestrationCommandResult.Ok(Snapshot());
    }

    /// <inheritdoc />
    public async Task<OrchestrationCommandResult> CancelAsync()
    {
        if (!state.RecordExists)
        {
            return OrchestrationCommandResult.NotFound();
        }

        if (State.Status == OrchestrationStatus.Cancelled)
        {
            return OrchestrationCommandResult.Ok(Snapshot());
        }

        if (State.Status.IsFinal())
        {
            return OrchestrationCommandResult.Conflict(Snapshot(), $"The orchestration is {State.Status} and can no longer be cancelled.");
        }

        // Stop what is pending first: a step task not started yet is cancelled; one in flight answers Conflict and
        // finishes (its outcome is recorded when it tells us); a check stops. Then the cancellation is stored.
        var step = State.Current;
        if (step.Status == OrchestrationStepStatus.Running)
        {
            var result = await GrainFactory.GetGrain<ITaskGrain>(step.TaskId).CancelAsync();
            step.TaskStatus = result.Outcome == TaskCommandOutcome.NotFound ? ScheduledTaskStatus.Cancelled : Final(result.Task);
            if (result.Task is { } task)
            {
                _seen[task.Id] = task.Status;
            }

            step.Status = OrchestrationStepStatus.Cancelled;
        }
        else if (step.Status == OrchestrationStepStatus.Checking && step.CheckId is { } checkId)
        {
            var check = await GrainFactory.GetGrain<IConditionCheckGrain>(checkId).CancelAsync();
            step.CheckAttempts = [.. check?.Attempts ?? []];
            step.Status = OrchestrationStepStatus.Cancelled;
        }

        State.Status = OrchestrationStatus.Cancelled;
        State.FinishedAt = Now;
        DisposeStartTimer();
        await SaveAsync(indexChanged: true);
        LogFinished(State.Status, null, State.CurrentIndex);
        metrics.OrchestrationFinished(State.Status, null);
        PendingRelease.OrchestrationFinished(GrainFactory, Definition);
        await CleanUpIfSettledAsync();
        return OrchestrationCommandResult.Ok(Snapshot());
    }

    /// <inheritdoc />
    public async Task<OrchestrationCommandResult> ModifyAsync(OrchestrationChange change)
    {
        if (!state.RecordExists)
        {
            return OrchestrationCommandResult.NotFound();
        }

        if (State.Status != OrchestrationStatus.Scheduled)
        {
            return OrchestrationCommandResult.Conflict(Snapshot(), $"The orchestration is {State.Status} and can no longer be changed.");
        }

        var previous = Definition;
        var changed = previous with
        {
            StartAt = change.StartAt ?? previous.StartAt,
            Steps = change.Steps ?? previous.Steps,
            ConditionCheck = change.ConditionCheck ?? previous.ConditionCheck,
            FallbackUrl = change.FallbackUrl ?? previous.FallbackUrl,
            Delivery = change.Delivery ?? previous.Delivery,
        };
        if (change.MaxCalls is { } limit && OrchestrationWork.MaxCalls(changed) is var calls && calls > limit)
        {
            return OrchestrationCommandResult.Invalid(Snapshot(), OrchestrationWork.Refusal(calls, limit));
        }

        // The first step's task is the arbiter of "started": it refuses to change once running.
        var first = GrainFactory.GetGrain<ITaskGrain>(State.Current.TaskId);
        var replaceFirst = !SameCall(previous.Steps[0], changed.Steps[0]);
        var result = replaceFirst
            ? await first.CancelAsync()
            : changed.StartAt != previous.StartAt ? await first.RescheduleAsync(changed.StartAt) : null;
        if (result?.Outcome == TaskCommandOutcome.Conflict)
        {
            await MarkRunningAsync();
            return OrchestrationCommandResult.Conflict(Snapshot(), "The orchestration has started and can no longer be changed.");
        }

        State.Definition = changed;
        if (replaceFirst)
        {
            // A different first call is a different task: the old one was cancelled above, a new id is stored, then scheduled.
            State.Steps[0] = NewStep(changed.StartAt);
        }
        else
        {
            State.Current.TaskDueAt = changed.StartAt;
        }

        await RegisterReminderAsync();
        await SaveAsync(indexChanged: true);
        if (replaceFirst || result?.Outcome == TaskCommandOutcome.NotFound)
        {
            await ScheduleCurrentTaskAsync();
        }

        DisposeStartTimer();
        ArmStartTimerIfNear();
        return OrchestrationCommandResult.Ok(Snapshot());
    }

    /// <inheritdoc />
    public async Task<OrchestrationSnapshot?> GetAsync()
    {
        if (!state.RecordExists)
        {
            if (State.Definition is null)
            {
                // Asked about an orchestration that does not exist: nothing to keep in memory.
                DeactivateOnIdle();
            }

            return null;
        }

        // What is in flight reports to this grain only when it ends; read it so the answer is current (these reads interleave).
        var step = State.Current;
        IReadOnlyList<ConditionCheckAttempt>? attempts = null;
        if (step is { Status: OrchestrationStepStatus.Checking, CheckId: { } checkId })
        {
            attempts = (await GrainFactory.GetGrain<IConditionCheckGrain>(checkId).GetAsync())?.Attempts;
        }

        foreach (var taskId in new[] { step.TaskStatus is null ? step.TaskId : (Guid?)null, step.FallbackStatus is null ? step.FallbackTaskId : null })
        {
            if (taskId is { } id && await GrainFactory.GetGrain<ITaskGrain>(id).GetAsync() is { } task)
            {
                _seen[id] = task.Status;
            }
        }

        return Snapshot(attempts);
    }

    /// <inheritdoc />
    public Task OnTaskFinishedAsync(TaskSnapshot task) => state.RecordExists ? TakeTaskOutcomeAsync(task) : Task.CompletedTask;

    /// <inheritdoc />
    public Task OnConditionCheckFinishedAsync(ConditionCheckSnapshot check) => state.RecordExists ? TakeCheckOutcomeAsync(check) : Task.CompletedTask;

    /// <inheritdoc />
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (_stateUncertain)
        {
            DeactivateOnIdle();
            return;
        }

        if (!state.RecordExists || State.IsSettled)
        {
            // A tick after the end: the clean-up did not finish (or this activation cannot tell whether the listing was
            // written before a crash). Write the listing again, then remove the reminder.
            if (state.RecordExists)
            {
                await WriteListingAsync();
            }

            await CleanUpIfSettledAsync(force: true);
            return;
        }

        if (State.Status == OrchestrationStatus.Scheduled)
        {
            if (Now >= Definition.StartAt)
            {
                await MarkRunningAsync();
            }
            else
            {
                ArmStartTimerIfNear();
            }
        }
        else if (_indexStale)
        {
            await SaveAsync(indexChanged: true);
        }

        await RecoverAsync();
    }

    private static bool SameCall(OrchestrationStepDefinition a, OrchestrationStepDefinition b) =>
        a.Url == b.Url && a.Method == b.Method && a.Body == b.Body
        && (a.Headers ?? new Dictionary<string, string>()).OrderBy(h => h.Key, StringComparer.Ordinal)
            .SequenceEqual((b.Headers ?? new Dictionary<string, string>()).OrderBy(h => h.Key, StringComparer.Ordinal));

    private static ScheduledTaskStatus? Final(TaskSnapshot? task) => task?.Status.IsFinal() == true ? task.Status : null;

    private OrchestrationStepState NewStep(DateTimeOffset dueAt) => new() { TaskId = ids.Mint(Now), TaskDueAt = dueAt };

    /// <summary>
    /// Writes the state, then (on a status change, or to repair an earlier failure) the listing rows. The state records
    /// every status whose listing rows may exist before it is written, so rows a crash leaves are deleted by a later write.
    /// A failed listing write does not fail the save: the state is stored, and the reminder writes the listing again
    /// (it is not removed while the listing is behind).
    /// </summary>
    private async Task SaveAsync(bool indexChanged = false)
    {
        var listingChange = indexChanged || _indexStale;
        if (listingChange)
        {
            State.ListingStatuses = StaleListingStatuses().With((int)State.Status);
        }

        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // Memory is ahead of storage (or behind another activation's write): acting on it could schedule a step
            // whose id was never stored. Take no further side effect here; the next activation reloads from storage.
            _stateUncertain = true;
            DeactivateOnIdle();
            throw;
        }

        if (listingChange)
        {
            try
            {
                await WriteListingAsync();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                LogListingDeferred(e);
            }
        }
    }

    /// <summary>Writes the listing rows of the orchestration as it stands; until that succeeds the listing counts as behind.</summary>
    private async Task WriteListingAsync()
    {
        _indexStale = true;
        await index.UpsertAsync(Snapshot().ToSummary(), StaleListingStatuses());
        State.ListingStatuses = StatusSet.Of((int)State.Status);
        _indexStale = false;
    }

    // State stored before listing rows existed records none: it may have rows of any status.
    private StatusSet StaleListingStatuses() =>
        State.ListingStatuses.IsEmpty && state.RecordExists ? StatusSet.All : State.ListingStatuses;
}
