namespace TaskOrchestrator.Retention;

/// <summary>What a resource asked to expire did.</summary>
public enum ExpiryOutcome
{
    /// <summary>It was past its retention: its rows are deleted.</summary>
    Removed = 0,

    /// <summary>Nothing is stored under this id (removed earlier, perhaps by a sweep that stopped before deleting its expiry row).</summary>
    Gone,

    /// <summary>It stays, and so does its expiry row: past its retention but something still runs (a callback owed, a step call in flight).</summary>
    Kept,

    /// <summary>
    /// It stays, but the expiry row no longer stands for it: it is not finished any more (a retried orchestration) or
    /// expires later (it finished again and filed a new row), or it goes with its orchestration (a step task). The row is deleted.
    /// </summary>
    Stale,
}
