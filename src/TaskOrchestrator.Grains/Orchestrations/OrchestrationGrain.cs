using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Placement;
using TaskOrchestrator.Callbacks;
using TaskOrchestrator.Hosting;
using TaskOrchestrator.Indexing;
using TaskOrchestrator.Listing;
using TaskOrchestrator.Orchestrations.Lifecycle;
using TaskOrchestrator.Persistence;
using TaskOrchestrator.Quotas;
using TaskOrchestrator.Storage;
using TaskOrchestrator.Tasks;
using TaskOrchestrator.Telemetry;

namespace TaskOrchestrator.Orchestrations;

/// <summary>
/// Runs a sequence of steps. Each step's call is a <see cref="TaskGrain"/> (precise, durable), scheduled only when its
/// turn comes; after it completes, a <see cref="ConditionCheckGrain"/> decides whether the next step runs. Finished
/// tasks and checks tell this grain one-way; its reminder is the recovery path that finds an outcome it missed. Where
/// the orchestration is and what comes next is decided by its <see cref="OrchestrationCursor"/>; this grain stores it,
/// drives the child grains and keeps the start timer and the reminder.
/// </summary>
/// <remarks>
/// Not reentrant. Every call this grain makes goes to a task or check grain, which never calls back synchronously
/// (they notify one-way), so no call cycle can form; <see cref="GetAsync"/> interleaves so status reads never queue.
/// The cursor gets a step's task id before the task is scheduled, so scheduling again after a crash hits the same task
/// (which answers Conflict and its state) instead of running twice.
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
    ILogger<OrchestrationGrain> logger,
    CallbackSender callbacks) : Grain, IOrchestrationGrain, IRemindable
{
    private const string ReminderName = "orchestration";

    private readonly TaskSchedulingOptions _scheduling = scheduling.Value;
    private readonly OrchestrationCursor _cursor = new(time);
    private readonly Dictionary<Guid, ScheduledTaskStatus> _lastSeenTaskStatus = [];
    private StateWriter<OrchestrationGrainState> _writes = null!;
    private GrainReminder _reminder = null!;
    private IGrainTimer? _startTimer;
    private bool _listingBehind;

    private OrchestrationGrainState State => _cursor.State;

    private OrchestrationDefinition Definition => State.Definition!;

    private DateTimeOffset Now => time.GetUtcNow();

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _writes = new StateWriter<OrchestrationGrainState>(state, DeactivateOnIdle);
        _reminder = new GrainReminder(this, ReminderName);
        _cursor.Load(state.State);
        ArmStartTimerIfNear();
        ArmCallback();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task<OrchestrationCommandResult> CreateAsync(OrchestrationDefinition definition)
    {
        if (IsExpired)
        {
            // A repeat of the request that created it, after its retention: it is gone, not created again.
            return OrchestrationCommandResult.NotFound();
        }

        if (state.RecordExists || !_cursor.Create(definition, NewId()))
        {
            return OrchestrationCommandResult.Conflict(Snapshot(), "An orchestration with this id already exists.");
        }

        state.State = State;
        try
        {
            await RegisterReminderAsync();
            await SaveAsync(listingChanged: true);
        }
        catch
        {
            // Not acknowledged: forget it here; a write that landed anyway is found by the next activation's reminder tick.
            _cursor.Abandon();
            state.State = State;
            DeactivateOnIdle();
            throw;
        }

        LogCreated(Definition.Steps.Count, definition.StartAt);
        metrics.OrchestrationCreated();
        await DoAsync(OrchestrationNext.ScheduleStep);
        ArmStartTimerIfNear();
        return OrchestrationCommandResult.Ok(Snapshot());
    }

    /// <inheritdoc />
    public async Task<OrchestrationCommandResult> CancelAsync(string? owner = null)
    {
        if (NotFoundFor(owner) is { } notFound)
        {
            return notFound;
        }

        var cancel = _cursor.BeginCancel();
        if (cancel.Refusal is { } refusal)
        {
            return OrchestrationCommandResult.Conflict(Snapshot(), refusal);
        }

        if (cancel.Done)
        {
            return OrchestrationCommandResult.Ok(Snapshot());
        }

        // Stop what is pending first: a step task not started yet is cancelled; one in flight answers Conflict and
        // finishes (its outcome is recorded when it tells us); a check stops. Then the cancellation is stored.
        if (cancel.StepTask is { } taskId)
        {
            var result = await GrainFactory.GetGrain<ITaskGrain>(taskId).CancelAsync();
            if (result.Task is { } task)
            {
                _lastSeenTaskStatus[task.Id] = task.Status;
            }

            _cursor.StepTaskStopped(result);
        }
        else if (cancel.Check is { } checkId)
        {
            _cursor.CheckStopped(await GrainFactory.GetGrain<IConditionCheckGrain>(checkId).CancelAsync());
        }

        await ApplyAsync(_cursor.FinishCancel());
        return OrchestrationCommandResult.Ok(Snapshot());
    }

    /// <inheritdoc />
    public async Task<OrchestrationCommandResult> ModifyAsync(OrchestrationChange change, string? owner = null)
    {
        if (NotFoundFor(owner) is { } notFound)
        {
            return notFound;
        }

        var plan = _cursor.PlanModify(change);
        if (plan.RefusedAs is { } refusedAs)
        {
            return refusedAs == TaskCommandOutcome.Invalid
                ? OrchestrationCommandResult.Invalid(Snapshot(), plan.Refusal!)
                : OrchestrationCommandResult.Conflict(Snapshot(), plan.Refusal!);
        }

        // The first step's task is the arbiter of "started": it refuses to change once running.
        var first = GrainFactory.GetGrain<ITaskGrain>(plan.FirstTaskId);
        var answer = plan.FirstTask switch
        {
            FirstTaskChange.Cancel => await first.CancelAsync(),
            FirstTaskChange.Reschedule => await first.RescheduleAsync(plan.Definition!.StartAt),
            _ => null,
        };
        var decision = _cursor.ApplyModify(plan, answer?.Outcome, NewId, out var refusal);
        if (refusal is not null)
        {
            // Refused because the first step started: the orchestration is Running from now on.
            await ApplyAsync(decision);
            if (decision.Store)
            {
                LogStarted();
            }

            return OrchestrationCommandResult.Conflict(Snapshot(), refusal);
        }

        await RegisterReminderAsync();
        await ApplyAsync(decision);
        DisposeStartTimer();
        ArmStartTimerIfNear();
        return OrchestrationCommandResult.Ok(Snapshot());
    }

    /// <inheritdoc />
    public async Task<OrchestrationCommandResult> RetryAsync(string? owner = null)
    {
        if (NotFoundFor(owner) is { } notFound)
        {
            return notFound;
        }

        var failedCheck = State.Current.CheckId;
        var (retry, refusal) = _cursor.Retry(Snapshot().Steps[State.CurrentIndex], NewId);
        if (retry is not { } decision)
        {
            return OrchestrationCommandResult.Conflict(Snapshot(), refusal!);
        }

        RetireCheck(failedCheck);

        // The reminder first (it was removed when the orchestration failed): a retry stored without one would never recover.
        await RegisterReminderAsync();
        LogRetried(State.CurrentIndex);
        metrics.OrchestrationRetried();
        await ApplyAsync(decision);
        return OrchestrationCommandResult.Ok(Snapshot());
    }

    /// <inheritdoc />
    public async Task<OrchestrationSnapshot?> GetAsync()
    {
        if (!state.RecordExists)
        {
            if (!_cursor.Exists)
            {
                // Asked about an orchestration that does not exist: nothing to keep in memory.
                DeactivateOnIdle();
            }

            return null;
        }

        if (IsExpired)
        {
            return null;
        }

        return await LiveSnapshotAsync();
    }

    /// <summary>The orchestration as it stands, with what is in flight read just now: what <see cref="GetAsync"/> answers.</summary>
    private async Task<OrchestrationSnapshot> LiveSnapshotAsync()
    {
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
                _lastSeenTaskStatus[id] = task.Status;
            }
        }

        return Snapshot(attempts);
    }

    /// <inheritdoc />
    public async Task OnTaskFinishedAsync(TaskSnapshot task)
    {
        if (state.RecordExists)
        {
            await ApplyAsync(_cursor.TakeTaskOutcome(task, NewId));
        }
    }

    /// <inheritdoc />
    public async Task OnConditionCheckFinishedAsync(ConditionCheckSnapshot check)
    {
        if (state.RecordExists)
        {
            await ApplyAsync(_cursor.TakeCheckOutcome(check, NewId));
        }
    }

    /// <inheritdoc />
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (_writes.Distrusted)
        {
            DeactivateOnIdle();
            return;
        }

        // The callback's attempts run on their own timer; this tick re-arms it when the activation that had it is gone.
        ArmCallback();
        if (!state.RecordExists || State.IsSettled)
        {
            // A tick after the end: the clean-up did not finish (or this activation cannot tell whether the listing was
            // written before a crash). Write the listing again, then remove the reminder.
            if (state.RecordExists)
            {
                await WriteListingAsync();
                await FileExpiryAsync(again: true);
            }

            await CleanUpAsync();
            return;
        }

        if (State.Status == OrchestrationStatus.Scheduled && Now < Definition.StartAt)
        {
            ArmStartTimerIfNear();
        }
        else if (_cursor.MarkRunning())
        {
            await SaveAsync(listingChanged: true);
            LogStarted();
        }
        else if (_listingBehind)
        {
            await SaveAsync(listingChanged: true);
        }

        await RecoverAsync();
    }

    private OrchestrationCommandResult? NotFoundFor(string? owner) =>
        !state.RecordExists || IsExpired || (owner is not null && Definition.Owner != owner) ? OrchestrationCommandResult.NotFound() : null;

    private Guid NewId() => ids.Mint(Now);

    private OrchestrationSnapshot Snapshot(IReadOnlyList<ConditionCheckAttempt>? liveAttempts = null) =>
        _cursor.Snapshot(this.GetPrimaryKey(), id => id is { } taskId && _lastSeenTaskStatus.TryGetValue(taskId, out var status) ? status : null, liveAttempts) with { ExpiresAt = State.ExpiresAt };

    /// <summary>
    /// Writes the state, then (on a status change, or to repair an earlier failure) the listing rows. The state records
    /// every status whose listing rows may exist before it is written, so rows a crash leaves are deleted by a later write.
    /// A failed listing write does not fail the save: the state is stored, and the reminder writes the listing again
    /// (it is not removed while the listing is behind). A failed state write leaves memory untrusted: the next
    /// activation reloads from storage.
    /// </summary>
    private async Task SaveAsync(bool listingChanged)
    {
        var listing = listingChanged || _listingBehind;
        if (listing)
        {
            State.ListingStatuses = StaleListingStatuses().With((int)State.Status);
            var labels = LabelRows.For(Definition.Labels, State.ListingLabels);
            State.ListingLabels = labels.Current.Count + labels.Stale.Count == 0 ? null : [.. labels.All];
        }

        StampExpiry();
        await _writes.WriteOrDistrustAsync();
        if (listing)
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

        await FileExpiryAsync();
    }

    /// <summary>Writes the listing rows of the orchestration as it stands; until that succeeds the listing counts as behind.</summary>
    private async Task WriteListingAsync()
    {
        _listingBehind = true;
        var labels = LabelRows.For(Definition.Labels, State.ListingLabels);
        await index.UpsertAsync(Snapshot().ToSummary(), StaleListingStatuses(), labels.Stale);
        State.ListingStatuses = StatusSet.Of((int)State.Status);
        State.ListingLabels = labels.Current.Count == 0 ? null : [.. labels.Current];
        _listingBehind = false;
    }

    // State stored before listing rows existed records none: it may have rows of any status.
    private StatusSet StaleListingStatuses() =>
        State.ListingStatuses.IsEmpty && state.RecordExists ? StatusSet.All : State.ListingStatuses;
}
