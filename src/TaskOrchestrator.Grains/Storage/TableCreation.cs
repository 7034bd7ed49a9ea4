using Azure.Data.Tables;

namespace TaskOrchestrator.Storage;

/// <summary>
/// Creates a table on first use, once. A failed attempt (storage briefly unreachable) is not remembered: the next use
/// tries again, so one outage at start does not leave a store that fails every call until the process restarts.
/// </summary>
internal sealed class TableCreation(TableServiceClient tables, string tableName)
{
    private readonly Lock _lock = new();
    private Task? _created;

    /// <summary>Completes once the table exists.</summary>
    public Task EnsureAsync()
    {
        var created = _created;
        if (created is { IsCompletedSuccessfully: true })
        {
            return created;
        }

        lock (_lock)
        {
            if (_created is null || _created.IsFaulted || _created.IsCanceled)
            {
                _created = tables.CreateTableIfNotExistsAsync(tableName);
            }

            return _created;
        }
    }
}
