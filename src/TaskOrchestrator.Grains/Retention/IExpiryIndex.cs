namespace TaskOrchestrator.Retention;

/// <summary>
/// The expiry rows of finished tasks, filed by when they expire. The task store adds a task's row with the write that
/// finishes it; the retention sweep reads the due ones and deletes each once its task is gone.
/// </summary>
public interface IExpiryIndex
{
    /// <summary>Files task <paramref name="id"/> to expire at <paramref name="expiresAt"/> (idempotent).</summary>
    Task AddAsync(Guid id, DateTimeOffset expiresAt, CancellationToken cancellationToken = default);

    /// <summary>At most <paramref name="limit"/> rows due at <paramref name="now"/>, earliest bucket first.</summary>
    Task<IReadOnlyList<ExpiryEntry>> DueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default);

    /// <summary>Deletes <paramref name="entries"/> (a row already deleted is fine).</summary>
    Task RemoveAsync(IReadOnlyCollection<ExpiryEntry> entries, CancellationToken cancellationToken = default);
}
