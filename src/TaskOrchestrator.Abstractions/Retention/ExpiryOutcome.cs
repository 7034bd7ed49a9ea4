namespace TaskOrchestrator.Retention;

/// <summary>What a resource asked to expire did.</summary>
public enum ExpiryOutcome
{
    /// <summary>It was past its retention: its rows are deleted.</summary>
    Removed = 0,

    /// <summary>Nothing is stored under this id (removed earlier, perhaps by a sweep that stopped before deleting its expiry row).</summary>
    Gone,

    /// <summary>It stays: not finished, not yet past its retention, or its completion callback is still owed.</summary>
    Kept,
}
