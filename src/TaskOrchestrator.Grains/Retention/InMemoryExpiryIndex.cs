namespace TaskOrchestrator.Retention;

/// <summary>The expiry rows in this process's memory, with the contract of <see cref="AzureExpiryIndex"/>: tests and the in-memory mode.</summary>
public sealed class InMemoryExpiryIndex : IExpiryIndex
{
    private readonly SortedDictionary<(string Bucket, string RowKey), (ExpiryKind Kind, Guid Id, DateTimeOffset ExpiresAt)> _rows = [];
    private readonly Lock _lock = new();

    /// <summary>How many rows are stored.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _rows.Count;
            }
        }
    }

    /// <inheritdoc />
    public Task AddAsync(ExpiryKind kind, Guid id, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            _rows[(ExpiryKeys.Bucket(expiresAt), ExpiryKeys.RowKey(kind, id))] = (kind, id, expiresAt);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ExpiryEntry>> DueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default)
    {
        var last = ExpiryKeys.Bucket(now);
        lock (_lock)
        {
            IReadOnlyList<ExpiryEntry> due = [.. _rows
                .TakeWhile(r => string.CompareOrdinal(r.Key.Bucket, last) <= 0)
                .Where(r => r.Value.ExpiresAt <= now)
                .Take(limit)
                .Select(r => new ExpiryEntry(r.Key.Bucket, r.Value.Id, r.Value.ExpiresAt, r.Value.Kind))];
            return Task.FromResult(due);
        }
    }

    /// <inheritdoc />
    public Task RemoveAsync(IReadOnlyCollection<ExpiryEntry> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        lock (_lock)
        {
            // Each row as it was read: one filed again since (another expiry in the same bucket) stays, like a table row
            // whose ETag changed.
            foreach (var entry in entries)
            {
                var key = (entry.Bucket, ExpiryKeys.RowKey(entry.Kind, entry.Id));
                if (_rows.TryGetValue(key, out var row) && row.ExpiresAt == entry.ExpiresAt)
                {
                    _rows.Remove(key);
                }
            }
        }

        return Task.CompletedTask;
    }
}
