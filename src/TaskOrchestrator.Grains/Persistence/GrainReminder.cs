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
        var reminder = _handle ?? await grain.GetReminder(name);
        if (reminder is not null)
        {
            await grain.UnregisterReminder(reminder);
        }

        _handle = null;
    }
}
