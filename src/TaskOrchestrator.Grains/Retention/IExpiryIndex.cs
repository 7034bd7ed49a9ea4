namespace TaskOrchestrator.Retention;

/// <summary>
/// The expiry rows of finished tasks and orchestrations, filed by when they expire. A task's row is added by the task
/// store with the write that finishes it, an orchestration's by its grain after that write; the retention sweep reads
/// the due ones and deletes each once its resource is gone (or the row is stale).
/// </summary>
public interface IExpiryIndex
{
    /// <summary>Files <paramref name="id"/> of <paramref name="kind"/> to expire at <paramref name="expiresAt"/> (idempotent).</summary>
    Task AddAsync(ExpiryKind kind, Guid id, DateTimeOffset expiresAt, CancellationToken cancellationToken = default);

    /// <summary>At most <paramref name="limit"/> rows due at <paramref name="now"/>, earliest bucket first.</summary>
    Task<IReadOnlyList<ExpiryEntry>> DueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default);

    /// <summary>Deletes <paramref name="entries"/> (a row already deleted is fine).</summary>
    Task RemoveAsync(IReadOnlyCollection<ExpiryEntry> entries, CancellationToken cancellationToken = default);
}
