namespace TaskOrchestrator.Persistence;

/// <summary>
/// One named reminder of a grain, registered and removed one change at a time in the order asked. The handle Orleans
/// returns is kept, so removing it costs one storage call, not two (a read, then the delete).
/// </summary>
internal sealed class GrainReminder(Grain grain, string name)
{
    private IGrainReminder? _handle;
    private Task _last = Task.CompletedTask;

    /// <summary>Registers (or moves) the reminder: first tick after <paramref name="dueTime"/>, then every <paramref name="period"/>.</summary>
    public Task RegisterAsync(TimeSpan dueTime, TimeSpan period)
    {
        _last = RegisterAfterAsync(_last, dueTime, period);
        return _last;
    }

    /// <summary>Removes the reminder if there is one.</summary>
    public Task RemoveAsync()
    {
        _last = RemoveAfterAsync(_last);
        return _last;
    }

    private static async Task AfterAsync(Task previous)
    {
        try
        {
            await previous;
        }
        catch
        {
            // Reported to the caller that started it.
        }
    }

    private async Task RegisterAfterAsync(Task previous, TimeSpan dueTime, TimeSpan period)
    {
        await AfterAsync(previous);
        _handle = await grain.RegisterOrUpdateReminder(name, dueTime, period);
    }

    private async Task RemoveAfterAsync(Task previous)
    {
        await AfterAsync(previous);
        var kept = _handle;
        _handle = null;
        if (kept is not null)
        {
            try
            {
                await grain.UnregisterReminder(kept);
                return;
            }
            catch (ReminderException)
            {
                // The row's ETag is no longer the handle's (seen under load on Azurite, dozens of tasks in a 10-second
                // run). Keeping the stale handle made every later tick fail the same way: a task write, a refused delete
                // and a read every reminder period, for as long as the silo ran. Read the row's current ETag instead.
            }
        }

        if (await grain.GetReminder(name) is { } current)
        {
            await grain.UnregisterReminder(current);
        }
    }
}
