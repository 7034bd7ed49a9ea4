namespace TaskOrchestrator.Retention;

/// <summary>One expiry row: the resource <paramref name="Id"/> of <paramref name="Kind"/> may be removed from <paramref name="ExpiresAt"/>, filed under <paramref name="Bucket"/>.</summary>
/// <param name="Bucket">The time bucket (the partition) the row is filed under (see <see cref="ExpiryKeys"/>).</param>
/// <param name="Id">The resource's id.</param>
/// <param name="ExpiresAt">When it expires.</param>
/// <param name="Kind">A task or an orchestration.</param>
/// <param name="Version">The row's version as read (its ETag in a table): removing the entry removes that version only,
/// so a row filed again meanwhile (a retried orchestration finished again, into the same bucket) stays.</param>
public sealed record ExpiryEntry(string Bucket, Guid Id, DateTimeOffset ExpiresAt, ExpiryKind Kind = ExpiryKind.Task, string? Version = null);
