namespace TaskOrchestrator.Idempotency;

/// <summary>
/// One <c>Idempotency-Key</c> of one subject on one kind of resource, keyed by <c>{kind}|{SHA-256 of subject and key}</c>.
/// It remembers, for 24 hours, which request first used the key and which resource id that request was given,
/// so that a repeat of the request lands on the same resource instead of creating a second one.
/// </summary>
public interface IIdempotencyGrain : IGrainWithStringKey
{
    /// <summary>
    /// Claims the key for the request with <paramref name="fingerprint"/>, offering <paramref name="proposedId"/> as its
    /// resource id. The claim is durable before this returns: from then on the resource id is fixed, whether or not the
    /// resource gets created.
    /// </summary>
    Task<IdempotencyClaim> ClaimAsync(string fingerprint, Guid proposedId);

    /// <summary>
    /// Frees the key when it still names <paramref name="resourceId"/>: retention removed that resource, and a repeat of
    /// its request creates a new one instead of finding the removed id. Idempotent; a key claimed since for another id stays.
    /// </summary>
    Task ReleaseAsync(Guid resourceId);
}
