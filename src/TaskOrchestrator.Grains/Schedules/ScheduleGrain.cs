using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Placement;
using TaskOrchestrator.Hosting;
using TaskOrchestrator.Listing;
using TaskOrchestrator.Orchestrations;
using TaskOrchestrator.Persistence;
using TaskOrchestrator.Quotas;
using TaskOrchestrator.Storage;
using TaskOrchestrator.Tasks;
using TaskOrchestrator.Telemetry;

namespace TaskOrchestrator.Schedules;

/// <summary>
/// One recurring schedule. Shortly before each occurrence (<see cref="ScheduleOptions.CreateAhead"/>) it creates the
/// occurrence's run, an ordinary task due on the instant (or an orchestration starting then), whose id comes from the
/// schedule and the instant: the run then fires as precisely as any task, and creating it again after a crash finds it.
/// Which occurrences run, are skipped or caught up is decided by its <see cref="ScheduleLifecycle"/>; this grain keeps
/// the timer (to the next creation), the reminder (that brings it back), the writes and the runs.
/// </summary>
/// <remarks>
/// An occurrence's run is created before the occurrence is recorded as handled: a crash in between handles it again,
/// and its run is found, never doubled. A schedule's reminder ticks every few seconds while its next occurrence is near,
/// and is moved to shortly before the next one when it is far.
/// </remarks>
[PreferLocalPlacement]
public sealed partial class ScheduleGrain(
    [PersistentState("schedule", StorageNames.Schedules)] IPersistentState<ScheduleGrainState> state,
    IScheduleIndex index,
    TaskIdMinter ids,
    TimeProvider time,
    IOptions<TaskSchedulingOptions> scheduling,
    IOptions<ScheduleOptions> options,
    TaskOrchestratorMetrics metrics,
    ILogger<ScheduleGrain> logger) : Grain, IScheduleGrain, IRemindable
{
    private const string ReminderName = "schedule";

    private readonly TaskSchedulingOptions _scheduling = scheduling.Value;
    private readonly ScheduleLifecycle _schedule = new(options.Value, time);
    private StateWriter<ScheduleGrainState> _writes = null!;
    private GrainReminder _reminder = null!;
    private IGrainTimer? _timer;
    private bool _reminderSteady;

    private ScheduleGrainState State => _schedule.State;

    private DateTimeOffset Now => time.GetUtcNow();

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _writes = new StateWriter<ScheduleGrainState>(state, DeactivateOnIdle);
        _reminder = new GrainReminder(this, ReminderName);
        _schedule.Load(state.State);
        ArmIfNear();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task<ScheduleCommandResult> CreateAsync(ScheduleDefinition definition, bool paused)
    {
        if (state.RecordExists || !_schedule.Create(definition, paused))
        {
            return _schedule.Exists
                ? ScheduleCommandResult.Conflict(Snapshot(), "A schedule with this id already exists.")
                : ScheduleCommandResult.NotFound();
        }

        state.State = State;
        try
        {
            await PlanReminderAsync();
            await SaveAsync();
        }
        catch
        {
            // Not acknowledged: a write that landed anyway is found by the next activation (the reminder's tick).
            state.State = new ScheduleGrainState();
            _schedule.Load(state.State);
            _writes.Distrust();
            throw;
        }

        LogCreated(this.GetPrimaryKey(), definition.Cron ?? $"every {definition.Every}", definition.TimeZone, paused);
        ArmIfNear();
        return ScheduleCommandResult.Ok(Snapshot());
    }

    /// <inheritdoc />
    public Task<ScheduleSnapshot?> GetAsync()
    {
        if (!_schedule.Exists)
        {
            DeactivateOnIdle();
            return Task.FromResult<ScheduleSnapshot?>(null);
        }

        return Task.FromResult<ScheduleSnapshot?>(Snapshot());
    }

    /// <inheritdoc />
    public async Task<ScheduleCommandResult> UpdateAsync(ScheduleChange change, string? owner)
    {
        if (NotFoundFor(owner) is { } notFound)
        {
            return notFound;
        }

        if (_schedule.Update(change) is { } refusal)
        {
            return ScheduleCommandResult.Invalid(Snapshot(), refusal);
        }

        await SaveAsync();
        DisposeTimer();
        await PlanReminderAsync();
        ArmIfNear();
        return ScheduleCommandResult.Ok(Snapshot());
    }

    /// <inheritdoc />
    public async Task<ScheduleCommandResult> PauseAsync(string? owner)
    {
        if (NotFoundFor(owner) is { } notFound)
        {
            return notFound;
        }

        if (_schedule.Pause())
        {
            await SaveAsync();
            DisposeTimer();
            await RemoveReminderAsync();
            LogPaused(this.GetPrimaryKey());
        }

        return ScheduleCommandResult.Ok(Snapshot());
    }

    /// <inheritdoc />
    public async Task<ScheduleCommandResult> ResumeAsync(string? owner)
    {
        if (NotFoundFor(owner) is { } notFound)
        {
            return notFound;
        }

        if (_schedule.Resume())
        {
            await SaveAsync();
            await PlanReminderAsync();
            ArmIfNear();
            LogResumed(this.GetPrimaryKey());
        }

        return ScheduleCommandResult.Ok(Snapshot());
    }

    /// <inheritdoc />
    public async Task<ScheduleCommandResult> TriggerAsync(string? owner)
    {
        if (NotFoundFor(owner) is { } notFound)
        {
            return notFound;
        }

        var run = _schedule.Trigger(ids.Mint(Now));

        // The run first: recorded only once it exists.
        await CreateRunAsync(run);
        await _writes.WriteOrDistrustAsync();
        metrics.ScheduleOccurrence(created: true, late: false);
        return ScheduleCommandResult.Ok(Snapshot(), run);
    }

    /// <inheritdoc />
    public async Task<ScheduleCommandResult> DeleteAsync(string? owner)
    {
        if (NotFoundFor(owner) is { } notFound)
        {
            return notFound;
        }

        var summary = Snapshot().ToSummary();
        _schedule.Delete();
        DisposeTimer();

        // The deletion is stored first: from then on nothing more is created, whatever happens to the clean-up after it.
        await _writes.WriteOrDistrustAsync();
        PendingRelease.ScheduleDeleted(GrainFactory, summary.Owner);
        LogDeleted(this.GetPrimaryKey());
        await CleanUpDeletedAsync(summary);
        return ScheduleCommandResult.Ok(null);
    }

    /// <inheritdoc />
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (_writes.Distrusted)
        {
            DeactivateOnIdle();
            return;
        }

        if (State.Deleted)
        {
            // A deletion whose clean-up did not finish: finish it.
            await CleanUpDeletedAsync(_schedule.Snapshot(this.GetPrimaryKey()).ToSummary());
            return;
        }

        if (!_schedule.Exists || State.Status != ScheduleStatus.Active)
        {
            await RemoveReminderAsync();
            DeactivateOnIdle();
            return;
        }

        // Anything due that a lost timer did not handle (the silo died, or this activation was asleep): handle it now.
        await HandleDueAsync();
    }

    /// <summary>
    /// Creates the runs of every occurrence due (and skips those the overlap or catch-up policy says to), records them,
    /// then arms the timer for the next.
    /// </summary>
    private async Task HandleDueAsync()
    {
        if (_writes.Distrusted || !_schedule.Exists)
        {
            return;
        }

        if (_schedule.WakeAt is not { } wake || wake > Now)
        {
            // Nothing due yet (an early timer, or a reminder tick in between): only make sure the next one is planned.
            await PlanReminderAsync();
            ArmIfNear();
            return;
        }

        var previousFinished = _schedule.LatestRun is not { } latest || await IsFinishedAsync(latest);
        var due = _schedule.TakeDue(this.GetPrimaryKey(), previousFinished);
        if (due.Count > 0)
        {
            try
            {
                foreach (var occurrence in due)
                {
                    if (occurrence.Run.RunId is not null)
                    {
                        await CreateRunAsync(occurrence.Run);
                        metrics.ScheduleOccurrence(created: true, late: occurrence.Run.ScheduledFor < Now);
                    }
                    else if (occurrence.SkippedUnlessItExists is { } id && await RunExistsAsync(id))
                    {
                        // Created before a crash, not yet recorded: it stands.
                        _schedule.ConfirmRun(occurrence);
                    }
                    else
                    {
                        metrics.ScheduleOccurrence(created: false, late: false);
                        LogSkipped(this.GetPrimaryKey(), occurrence.Run.ScheduledFor, occurrence.Run.Skipped);
                    }
                }

                await _writes.WriteOrDistrustAsync();
            }
            catch (Exception e) when (!_writes.Distrusted)
            {
                // Not recorded: the next activation handles the same occurrences again and finds the runs that exist.
                LogOccurrencesDeferred(this.GetPrimaryKey(), e);
                _writes.Distrust();
                return;
            }
        }

        await PlanReminderAsync();
        ArmIfNear();
    }

    /// <summary>
    /// Creates <paramref name="run"/> (a task, or an orchestration); one that exists already stands. The run carries the
    /// schedule's callback unless its own definition gives one.
    /// </summary>
    private async Task CreateRunAsync(ScheduleRun run)
    {
        var definition = State.Definition!;
        var now = Now;
        if (definition.Target.Task is { } call)
        {
            var task = new TaskDefinition(
                definition.Owner, call.Url, call.Method, call.Headers, call.Body, now, run.ScheduledFor, Delivery: call.Delivery,
                ScheduleId: this.GetPrimaryKey(), ScheduledFor: run.ScheduledFor, Labels: definition.Labels, Callback: call.Callback ?? definition.Callback,
                Retention: call.Retention);
            await GrainFactory.GetGrain<ITaskGrain>(run.TaskId!.Value).ScheduleAsync(task);
        }
        else
        {
            var target = definition.Target.Orchestration!;
            var orchestration = new OrchestrationDefinition(
                definition.Owner, now, run.ScheduledFor, target.Steps, target.ConditionCheck, target.FallbackUrl, target.Delivery,
                ScheduleId: this.GetPrimaryKey(), ScheduledFor: run.ScheduledFor, Labels: definition.Labels, Callback: target.Callback ?? definition.Callback);
            await GrainFactory.GetGrain<IOrchestrationGrain>(run.OrchestrationId!.Value).CreateAsync(orchestration);
        }
    }

    /// <summary>True when the run has finished (or does not exist): the overlap policy's question.</summary>
    private async Task<bool> IsFinishedAsync(ScheduleRun run) => run.TaskId is { } taskId
        ? await GrainFactory.GetGrain<ITaskGrain>(taskId).GetAsync() is not { } task || task.Status.IsFinal()
        : await GrainFactory.GetGrain<IOrchestrationGrain>(run.OrchestrationId!.Value).GetAsync() is not { } orchestration || orchestration.Status.IsFinal();

    private async Task<bool> RunExistsAsync(Guid id) => State.Definition!.Target.Task is not null
        ? await GrainFactory.GetGrain<ITaskGrain>(id).GetAsync() is not null
        : await GrainFactory.GetGrain<IOrchestrationGrain>(id).GetAsync() is not null;

    /// <summary>
    /// After a deletion was stored: a run created ahead of its occurrence and not started is cancelled, the listing rows
    /// and the reminder go, and the record with them. Repeated by the reminder until it has all been done.
    /// </summary>
    private async Task CleanUpDeletedAsync(ScheduleSummary summary)
    {
        foreach (var run in _schedule.RunsNotYetDue().ToList())
        {
            if (run.TaskId is { } taskId)
            {
                await GrainFactory.GetGrain<ITaskGrain>(taskId).CancelAsync();
            }
            else if (run.OrchestrationId is { } orchestrationId)
            {
                await GrainFactory.GetGrain<IOrchestrationGrain>(orchestrationId).CancelAsync();
            }
        }

        await index.RemoveAsync(summary, State.ListingStatuses.IsEmpty ? StatusSet.All : State.ListingStatuses, State.ListingLabels);
        await _reminder.RemoveAsync();
        await state.ClearStateAsync();
        _schedule.Load(state.State);
        DeactivateOnIdle();
    }

    private ScheduleCommandResult? NotFoundFor(string? owner) =>
        !_schedule.Exists || (owner is not null && State.Definition!.Owner != owner) ? ScheduleCommandResult.NotFound() : null;

    private ScheduleSnapshot Snapshot() => _schedule.Snapshot(this.GetPrimaryKey());

    /// <summary>Writes the state, then the listing rows (a change of status or definition); a listing write that fails is repaired by the next save.</summary>
    private async Task SaveAsync()
    {
        var stale = State.ListingStatuses.IsEmpty && state.RecordExists ? StatusSet.All : State.ListingStatuses;
        State.ListingStatuses = stale.With((int)State.Status);
        var labels = LabelRows.For(State.Definition!.Labels, State.ListingLabels);
        State.ListingLabels = labels.Current.Count + labels.Stale.Count == 0 ? null : [.. labels.All];
        await _writes.WriteOrDistrustAsync();
        try
        {
            await index.UpsertAsync(Snapshot().ToSummary(), stale, labels.Stale);
            State.ListingStatuses = StatusSet.Of((int)State.Status);
            State.ListingLabels = labels.Current.Count == 0 ? null : [.. labels.Current];
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogListingDeferred(this.GetPrimaryKey(), e);
        }
    }
}
