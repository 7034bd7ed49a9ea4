namespace TaskOrchestrator.Idempotency;

/// <summary>How long a claimed idempotency key holds, and what a claim finds: pure, so that expiry is testable without a clock.</summary>
internal static class IdempotencyWindow
{
    /// <summary>A key repeats its first request's resource for this long after the claim; then it is free again.</summary>
    public static readonly TimeSpan Length = TimeSpan.FromHours(24);

    /// <summary>What a claim of a key in <paramref name="current"/> state finds at <paramref name="now"/>.</summary>
    public static IdempotencyClaim Decide(IdempotencyGrainState? current, string fingerprint, Guid proposedId, DateTimeOffset now)
    {
        if (current?.Fingerprint is null || IsExpired(current, now))
        {
            return IdempotencyClaim.Fresh(proposedId);
        }

        return string.Equals(current.Fingerprint, fingerprint, StringComparison.Ordinal)
            ? IdempotencyClaim.Replay(current.ResourceId)
            : IdempotencyClaim.Mismatch();
    }

    /// <summary>True once the claim in <paramref name="state"/> no longer holds the key.</summary>
    public static bool IsExpired(IdempotencyGrainState state, DateTimeOffset now) => now - state.ClaimedAt >= Length;
}
