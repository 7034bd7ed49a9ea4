namespace TaskOrchestrator.Tasks.Lifecycle;

/// <summary>Where a task is, as finely as its grain needs to know it (the API shows <see cref="ScheduledTaskStatus"/>).</summary>
public enum TaskPhase
{
    /// <summary>No task under this id (not scheduled yet, or never).</summary>
    None = 0,

    /// <summary>Waiting for its due time; it can be cancelled or moved. Status Scheduled.</summary>
    Scheduled,

    /// <summary>Its timer fired and the attempt is being handed to the dispatcher, which starts it at the due instant. Status Running.</summary>
    Dispatching,

    /// <summary>An attempt's call is in flight. Status Running.</summary>
    InFlight,

    /// <summary>An attempt failed and the next waits for its retry time; it can still be cancelled. Status Running.</summary>
    AwaitingRetry,

    /// <summary>Found Running in storage with no retry pending: the activation making its attempt is gone. It is called again at once. Status Running.</summary>
    Interrupted,

    /// <summary>The target answered 2xx.</summary>
    Completed,

    /// <summary>The last attempt failed and no retry is left.</summary>
    Failed,

    /// <summary>Cancelled before it ran, or between attempts.</summary>
    Cancelled,
}
