using Microsoft.Extensions.Logging;
using TaskOrchestrator.Hosting;
using TaskOrchestrator.Orchestrations.Lifecycle;
using TaskOrchestrator.Persistence;
using TaskOrchestrator.Retention;
using TaskOrchestrator.Storage;
using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Orchestrations;

/// <summary>
/// The condition check after one step. Each attempt is a <see cref="TaskGrain"/> (durable, never early), whose id is
/// stored before it is scheduled; the attempt tells this grain when it finished, and this grain tells the orchestration
/// when the check passed or ran out of retries. It has no reminder of its own: the orchestration's recovery reminder
/// calls <see cref="StartAsync"/> again, which reconciles with the current attempt. What the check does is decided by
/// its <see cref="ConditionCheckLifecycle"/>.
/// </summary>
/// <remarks>
/// Calls out go to task grains only (which answer at once and notify one-way); calls in come from the orchestration
/// (which this grain only notifies one-way), so no call cycle can form.
/// </remarks>
public sealed partial class ConditionCheckGrain(
    [PersistentState("check", StorageNames.Orchestrations)] IPersistentState<ConditionCheckGrainState> state,
    TaskIdMinter ids,
    TimeProvider time,
    ILogger<ConditionCheckGrain> logger) : Grain, IConditionCheckGrain
{
    private readonly ConditionCheckLifecycle _check = new(time);
    private StateWriter<ConditionCheckGrainState> _writes = null!;

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _writes = new StateWriter<ConditionCheckGrainState>(state, DeactivateOnIdle);
        _check.Load(state.State);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task<ConditionCheckSnapshot> StartAsync(ConditionCheckRequest request)
    {
        if (_writes.Distrusted)
        {
            // The orchestration's next recovery tick reaches a fresh activation.
            throw new InvalidOperationException("The condition check's last write failed; it is reloading.");
        }

        if (_check.Start(request, NewAttemptId))
        {
            state.State = _check.State;
            await _writes.WriteOrDistrustAsync();
        }

        await EnsureAttemptAsync();
        return Snapshot();
    }

    /// <inheritdoc />
    public async Task<ConditionCheckSnapshot?> CancelAsync()
    {
        if (!_check.Started)
        {
            return null;
        }

        if (_check.AttemptToCancel is { } attempt)
        {
            await GrainFactory.GetGrain<ITaskGrain>(attempt).CancelAsync();
        }

        if (_check.Cancel())
        {
            await _writes.WriteOrDistrustAsync();
        }

        return Snapshot();
    }

    /// <inheritdoc />
    public async Task<ExpiryOutcome> RemoveAsync()
    {
        if (!state.RecordExists)
        {
            DeactivateOnIdle();
            return ExpiryOutcome.Gone;
        }

        if (_check.Checking || _writes.Busy || _writes.Distrusted)
        {
            return ExpiryOutcome.Kept;
        }

        // Its attempt tasks first, its state last: a removal that stops midway is finished by the next one.
        var orchestrationId = _check.State.Request!.OrchestrationId;
        var attempts = _check.State.Attempts.Select(a => a.TaskId).Concat(_check.State.AttemptTaskId is { } current ? [current] : []).Distinct();
        var outcomes = await Task.WhenAll(attempts.Select(t => GrainFactory.GetGrain<ITaskGrain>(t).RemoveWithOrchestrationAsync(orchestrationId)));
        if (outcomes.Contains(ExpiryOutcome.Kept))
        {
            return ExpiryOutcome.Kept;
        }

        await state.ClearStateAsync();
        _check.Load(state.State);
        DeactivateOnIdle();
        return ExpiryOutcome.Removed;
    }

    /// <inheritdoc />
    public Task<ConditionCheckSnapshot?> GetAsync() => Task.FromResult(_check.Started ? Snapshot() : null);

    /// <inheritdoc />
    public async Task OnTaskFinishedAsync(TaskSnapshot task)
    {
        if (!_writes.Distrusted && _check.Awaits(task))
        {
            await TakeOutcomeAsync(task);
        }
    }

    /// <summary>Records a finished attempt and either ends the check (telling the orchestration) or schedules the next attempt.</summary>
    private async Task TakeOutcomeAsync(TaskSnapshot attempt)
    {
        var request = _check.State.Request!;
        var ended = _check.TakeOutcome(attempt, NewAttemptId, out var passed);
        using (OrchestrationGrain.OrchestrationScope(logger, request.OrchestrationId))
        {
            LogAttempt(request.OrchestrationId, request.Step, _check.State.Attempts.Count, attempt.Response?.StatusCode, passed);
        }

        // The next attempt's id is stored before it is scheduled, so a crash in between schedules that same attempt again.
        await _writes.WriteOrDistrustAsync();
        if (ended)
        {
            GrainFactory.GetGrain<IOrchestrationGrain>(request.OrchestrationId).OnConditionCheckFinishedAsync(Snapshot()).Ignore();
            return;
        }

        await EnsureAttemptAsync();
    }

    /// <summary>Schedules the current attempt unless it exists, and takes its outcome in when it already finished.</summary>
    private async Task EnsureAttemptAsync()
    {
        if (!_check.Checking)
        {
            return;
        }

        var attempt = await ChildTasks.EnsureAsync(GrainFactory, _check.State.AttemptTaskId!.Value, () => _check.AttemptTask(this.GetGrainId()));
        if (attempt is not null && _check.Awaits(attempt))
        {
            await TakeOutcomeAsync(attempt);
        }
    }

    private Guid NewAttemptId() => ids.Mint(time.GetUtcNow());

    private ConditionCheckSnapshot Snapshot() => _check.Snapshot(this.GetPrimaryKey());

    [LoggerMessage(EventId = 2100, Level = LogLevel.Information, Message = "Orchestration {OrchestrationId} step {Step}: check attempt {Attempt} answered {StatusCode}, passed {Passed}")]
    private partial void LogAttempt(Guid orchestrationId, int step, int attempt, int? statusCode, bool passed);
}
