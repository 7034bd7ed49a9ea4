namespace TaskOrchestrator.Idempotency;

/// <summary>What claiming an idempotency key found.</summary>
public enum IdempotencyOutcome
{
    /// <summary>The key was free (never used, or its claim is older than the window): it now belongs to this request and the proposed id.</summary>
    Fresh = 0,

    /// <summary>The same request used the key within the window: create or return the resource under the id it was given.</summary>
    Replay = 1,

    /// <summary>A different request used the key within the window.</summary>
    Mismatch = 2,
}
