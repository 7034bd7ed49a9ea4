namespace TaskOrchestrator.Client.Tasks;

/// <summary>Where a scheduled task is in its life.</summary>
public enum ScheduledTaskStatus
{
    /// <summary>Waiting for its due time; it can still be cancelled or moved.</summary>
    Scheduled,

    /// <summary>Its call is in progress.</summary>
    Running,

    /// <summary>The target answered 2xx.</summary>
    Completed,

    /// <summary>The target answered something else, or nothing in time.</summary>
    Failed,

    /// <summary>Cancelled before it ran.</summary>
    Cancelled,
}
