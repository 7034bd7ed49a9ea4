using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TaskOrchestrator.Idempotency;
using TaskOrchestrator.Retention;
using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Orchestrations;

/// <summary>The retention of <see cref="OrchestrationGrain"/>: when a finished orchestration expires, and its removal.</summary>
/// <remarks>
/// A finished orchestration expires its retention (its own <c>retentionInMS</c> or <c>TaskOrchestrator:Retention:Finished</c>)
/// after it finished; a retry makes it unfinished again, with no expiry. Its expiry row is filed after the write that
/// finished it; while that filing has not succeeded the reminder stays, and its next tick files it again. From
/// <see cref="OrchestrationGrainState.ExpiresAt"/> on, every route answers 404; the sweep then removes it with its step
/// tasks (which never expire on their own) and checks. A row that no longer stands for it (retried, or finished again
/// with a later expiry) is answered Stale and deleted; a reminder left behind finds no state at its tick and removes itself.
/// </remarks>
public sealed partial class OrchestrationGrain
{
    private bool _expiryBehind;

    /// <summary>True once the finished orchestration is past its retention: gone for the API, whether or not the sweep has removed it yet.</summary>
    private bool IsExpired => state.RecordExists && State.Status.IsFinal() && State.ExpiresAt is { } at && at <= Now;

    /// <inheritdoc />
    public async Task<ExpiryOutcome> ExpireAsync()
    {
        if (!state.RecordExists)
        {
            DeactivateOnIdle();
            return ExpiryOutcome.Gone;
        }

        if (!IsExpired)
        {
            return ExpiryOutcome.Stale;
        }

        if (!State.IsSettled || _writes.Busy || _writes.Distrusted)
        {
            return ExpiryOutcome.Kept;
        }

        // Children first, the state row last: a sweep that stops midway leaves the orchestration (still 404) and its row,
        // and the next pass finishes the removal; each child's removal is idempotent.
        var id = this.GetPrimaryKey();
        var tasks = await Task.WhenAll(ChildTaskIds().Select(t => GrainFactory.GetGrain<ITaskGrain>(t).RemoveWithOrchestrationAsync(id)));
        var checks = await Task.WhenAll(CheckIds().Select(c => GrainFactory.GetGrain<IConditionCheckGrain>(c).RemoveAsync()));
        if (tasks.Contains(ExpiryOutcome.Kept) || checks.Contains(ExpiryOutcome.Kept))
        {
            return ExpiryOutcome.Kept;
        }

        if (Definition.IdempotencyKey is { } key)
        {
            await GrainFactory.GetGrain<IIdempotencyGrain>(key).ReleaseAsync(id);
        }

        await index.RemoveAsync(Snapshot().ToSummary(), StaleListingStatuses(), State.ListingLabels);
        DisposeStartTimer();
        await state.ClearStateAsync();
        _cursor.Abandon();
        state.State = State;
        LogExpired();
        DeactivateOnIdle();
        return ExpiryOutcome.Removed;
    }

    /// <summary>Sets or clears <see cref="OrchestrationGrainState.ExpiresAt"/> for the status about to be stored.</summary>
    private void StampExpiry()
    {
        if (!State.Status.IsFinal())
        {
            State.ExpiresAt = null;
            return;
        }

        if (State.ExpiresAt is null)
        {
            var retention = Definition.Retention ?? ServiceProvider.GetRequiredService<IOptions<RetentionOptions>>().Value.Finished;
            State.ExpiresAt = (State.FinishedAt ?? Now) + retention;
            _expiryBehind = true;
        }
    }

    /// <summary>Files the expiry row of a finished orchestration not yet filed (or always, with <paramref name="again"/>: a reminder tick cannot tell).</summary>
    private async Task FileExpiryAsync(bool again = false)
    {
        if ((!_expiryBehind && !again) || !State.Status.IsFinal() || State.ExpiresAt is not { } expiresAt)
        {
            return;
        }

        _expiryBehind = true;
        try
        {
            await ServiceProvider.GetRequiredService<IExpiryIndex>().AddAsync(ExpiryKind.Orchestration, this.GetPrimaryKey(), expiresAt);
            _expiryBehind = false;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The reminder stays while it is behind (CleanUpAsync): its next tick files it again.
            LogExpiryDeferred(e);
        }
    }

    /// <summary>Keeps the failed step's condition check, which a retry replaces, so that it is removed with the orchestration.</summary>
    private void RetireCheck(Guid? checkId)
    {
        if (checkId is { } id)
        {
            State.RetiredCheckIds ??= [];
            State.RetiredCheckIds.Add(id);
        }
    }

    // The tasks this orchestration created itself: its steps' and fallbacks', and those of failed runs. The checks'
    // attempt tasks go with their check (ConditionCheckGrain.RemoveAsync, which every check, retired ones too, is asked).
    private IEnumerable<Guid> ChildTaskIds()
    {
        var current = State.Steps.SelectMany(s => new[] { s.TaskId, s.FallbackTaskId });
        var previous = (State.PreviousRuns ?? []).Select(r => r.FailedStep).SelectMany(s => new[] { s.TaskId, s.FallbackTaskId });
        return current.Concat(previous).OfType<Guid>().Distinct();
    }

    private IEnumerable<Guid> CheckIds() =>
        State.Steps.Where(s => s.CheckId is not null).Select(s => s.CheckId!.Value).Concat(State.RetiredCheckIds ?? []).Distinct();

    [LoggerMessage(EventId = 2040, Level = LogLevel.Information, Message = "Orchestration {OrchestrationId} removed: past its retention")]
    private partial void LogExpiredCore(Guid orchestrationId);

    [LoggerMessage(EventId = 2041, Level = LogLevel.Warning, Message = "Orchestration {OrchestrationId}: filing its expiry row failed; the reminder files it again")]
    private partial void LogExpiryDeferredCore(Guid orchestrationId, Exception exception);

    private void LogExpired()
    {
        using var scope = BeginOrchestrationScope();
        LogExpiredCore(this.GetPrimaryKey());
    }

    private void LogExpiryDeferred(Exception exception)
    {
        using var scope = BeginOrchestrationScope();
        LogExpiryDeferredCore(this.GetPrimaryKey(), exception);
    }
}
