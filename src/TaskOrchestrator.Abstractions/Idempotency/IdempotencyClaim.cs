namespace TaskOrchestrator.Idempotency;

/// <summary>The answer to <see cref="IIdempotencyGrain.ClaimAsync"/>.</summary>
/// <param name="Outcome">Whether the key was free, held by the same request, or held by another.</param>
/// <param name="ResourceId">The id to create the resource under, or find it by; <see cref="Guid.Empty"/> on a mismatch.</param>
[GenerateSerializer, Immutable, Alias("TaskOrchestrator.IdempotencyClaim")]
public sealed record IdempotencyClaim(
    [property: Id(0)] IdempotencyOutcome Outcome,
    [property: Id(1)] Guid ResourceId)
{
    /// <summary>The key now belongs to the caller's request and <paramref name="id"/>.</summary>
    public static IdempotencyClaim Fresh(Guid id) => new(IdempotencyOutcome.Fresh, id);

    /// <summary>The same request claimed the key before and was given <paramref name="id"/>.</summary>
    public static IdempotencyClaim Replay(Guid id) => new(IdempotencyOutcome.Replay, id);

    /// <summary>Another request holds the key.</summary>
    public static IdempotencyClaim Mismatch() => new(IdempotencyOutcome.Mismatch, Guid.Empty);
}
