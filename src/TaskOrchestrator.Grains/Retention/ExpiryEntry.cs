namespace TaskOrchestrator.Retention;

/// <summary>One expiry row: the task <paramref name="Id"/> may be removed from <paramref name="ExpiresAt"/>, filed under <paramref name="Bucket"/>.</summary>
/// <param name="Bucket">The time bucket (the partition) the row is filed under (see <see cref="ExpiryKeys"/>).</param>
/// <param name="Id">The task's id.</param>
/// <param name="ExpiresAt">When it expires.</param>
public sealed record ExpiryEntry(string Bucket, Guid Id, DateTimeOffset ExpiresAt);
