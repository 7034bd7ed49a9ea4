using TaskOrchestrator.Hosting;

namespace TaskOrchestrator.Idempotency;

/// <summary>
/// One idempotency key. A claim is stored before the gateway creates the resource, so the resource id is fixed from
/// then on: a repeat whose first request failed or died after the claim creates the resource under the claimed id,
/// and two identical requests at once (serialised here) end on the same id. A reminder clears the row once the
/// window is over, so the table does not grow without end.
/// </summary>
public sealed class IdempotencyGrain(
    [PersistentState("claim", StorageNames.Idempotency)] IPersistentState<IdempotencyGrainState> state,
    TimeProvider time) : Grain, IIdempotencyGrain, IRemindable
{
    private const string ReminderName = "expire";

    // Reminders may fire a little early (they run on grain timers) and a tick missed while a silo was down comes a whole
    // period later: due a minute after the window, the first tick finds the claim expired, and a later one is harmless.
    private static readonly TimeSpan ClearAfter = IdempotencyWindow.Length + TimeSpan.FromMinutes(1);

    /// <inheritdoc />
    public async Task<IdempotencyClaim> ClaimAsync(string fingerprint, Guid proposedId)
    {
        var now = time.GetUtcNow();
        var claim = IdempotencyWindow.Decide(state.RecordExists ? state.State : null, fingerprint, proposedId, now);
        if (claim.Outcome != IdempotencyOutcome.Fresh)
        {
            return claim;
        }

        try
        {
            // The reminder first: a stored claim always has one to clear it; a reminder that finds no claim just goes away.
            await this.RegisterOrUpdateReminder(ReminderName, ClearAfter, ClearAfter);
            state.State = new IdempotencyGrainState { Fingerprint = fingerprint, ResourceId = proposedId, ClaimedAt = now };
            await state.WriteStateAsync();
        }
        catch
        {
            // A write that failed may still have landed: the next activation reads what storage holds.
            DeactivateOnIdle();
            throw;
        }

        DeactivateOnIdle();
        return claim;
    }

    /// <inheritdoc />
    public async Task ReleaseAsync(Guid resourceId)
    {
        // The reminder stays: at its tick it finds no claim and removes itself (one storage call fewer per removal).
        if (state.RecordExists && state.State.ResourceId == resourceId)
        {
            await state.ClearStateAsync();
        }

        DeactivateOnIdle();
    }

    /// <inheritdoc />
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (state.RecordExists && state.State.Fingerprint is not null && !IdempotencyWindow.IsExpired(state.State, time.GetUtcNow()))
        {
            return;
        }

        if (state.RecordExists)
        {
            await state.ClearStateAsync();
        }

        if (await this.GetReminder(ReminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }

        DeactivateOnIdle();
    }
}
