using Orleans.Storage;
using TaskOrchestrator.Storage;

namespace TaskOrchestrator.Persistence;

/// <summary>
/// A grain's writes of its state: one at a time, in the order asked, each writing the state as it is when it starts;
/// and what a failed write means. A write that failed may still have landed, so after one the grain may stop trusting
/// its memory (<see cref="Distrust"/>): it takes no further side effect and goes away, and its next activation reads
/// storage. Shared by the task, orchestration and condition-check grains.
/// </summary>
/// <typeparam name="TState">The grain's state.</typeparam>
internal sealed class StateWriter<TState>(IPersistentState<TState> state, Action deactivate)
{
    private Task _last = Task.CompletedTask;

    /// <summary>True once a change was not confirmed stored: memory may differ from storage, so nothing more is done from it.</summary>
    public bool Distrusted { get; private set; }

    /// <summary>True while a write is in flight.</summary>
    public bool Busy => !_last.IsCompleted;

    /// <summary>True when the last write stored the state but not its listing rows (a later write repairs them).</summary>
    public bool ListingBehind { get; private set; }

    /// <summary>Called when storage refused the state for its size, before <c>shrink</c> makes it smaller and it is written once more.</summary>
    public Action<Exception>? OnTooLarge { get; init; }

    /// <summary>Called when the state was stored but its listing rows were not.</summary>
    public Action<Exception>? OnListingBehind { get; init; }

    /// <summary>
    /// Writes the state after any earlier write. A state storage refuses for its size is made smaller by
    /// <paramref name="shrink"/> (when given) and written once more. A write that stored the state but not its listing
    /// rows succeeds (<see cref="ListingBehind"/> says so). A lost race with another writer deactivates the grain, so
    /// the next activation reads what won. Other failures are the caller's to handle.
    /// </summary>
    public Task WriteAsync(Action? shrink = null)
    {
        _last = WriteAfterAsync(_last, shrink);
        return _last;
    }

    /// <summary>
    /// <see cref="WriteAsync"/> for a change the caller is told about: when it fails, it may still have landed, so the
    /// grain distrusts its memory before the failure reaches the caller.
    /// </summary>
    public async Task WriteOrDistrustAsync(Action? shrink = null)
    {
        try
        {
            await WriteAsync(shrink);
        }
        catch
        {
            Distrust();
            throw;
        }
    }

    /// <summary>Stops trusting memory: the grain goes away at once and its next activation reads storage.</summary>
    public void Distrust()
    {
        Distrusted = true;
        deactivate();
    }

    private async Task WriteAfterAsync(Task previous, Action? shrink)
    {
        try
        {
            await previous;
        }
        catch
        {
            // Reported to the caller that started it.
        }

        try
        {
            try
            {
                await state.WriteStateAsync();
            }
            catch (RowTooLargeException e) when (shrink is not null)
            {
                shrink();
                OnTooLarge?.Invoke(e);
                await state.WriteStateAsync();
            }

            ListingBehind = false;
        }
        catch (ListingWriteException e)
        {
            ListingBehind = true;
            OnListingBehind?.Invoke(e);
        }
        catch (InconsistentStateException)
        {
            // Someone else wrote this state (or a timed-out write landed after all): reload from storage.
            deactivate();
            throw;
        }
    }
}
