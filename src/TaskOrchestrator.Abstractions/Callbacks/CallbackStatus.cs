namespace TaskOrchestrator.Callbacks;

/// <summary>Where a completion callback's delivery is.</summary>
public enum CallbackStatus
{
    /// <summary>Owed: an attempt is due (at once, or after a failed attempt's backoff).</summary>
    Pending = 0,

    /// <summary>The callback URL answered 2xx.</summary>
    Delivered,

    /// <summary>Every attempt the retry policy allows failed (or the failure is not one it retries); the resource's own outcome stands.</summary>
    Failed,
}
