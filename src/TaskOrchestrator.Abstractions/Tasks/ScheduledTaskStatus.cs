namespace TaskOrchestrator.Tasks;

/// <summary>Where a scheduled task is in its life. Named to avoid a clash with <see cref="System.Threading.Tasks.TaskStatus"/>.</summary>
public enum ScheduledTaskStatus
{
    /// <summary>Waiting for its due time; it can still be cancelled or rescheduled.</summary>
    Scheduled = 0,

    /// <summary>An attempt to call the target is in progress (or was, when its silo died: it is then retried).</summary>
    Running = 1,

    /// <summary>The target answered 2xx.</summary>
    Completed = 2,

    /// <summary>The target answered something else, or nothing in time.</summary>
    Failed = 3,

    /// <summary>Cancelled before it ran; the target was never called.</summary>
    Cancelled = 4,
}
