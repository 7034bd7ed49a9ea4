namespace TaskOrchestrator.Client.Orchestrations;

/// <summary>Where an orchestration is in its life.</summary>
public enum OrchestrationStatus
{
    /// <summary>Waiting for its start; it can still be changed or cancelled.</summary>
    Scheduled,

    /// <summary>Its steps are running one after another.</summary>
    Running,

    /// <summary>Every step ran and passed its check.</summary>
    Completed,

    /// <summary>A step's task failed, or its check never passed (see <see cref="OrchestrationFailureReason"/>).</summary>
    Failed,

    /// <summary>Cancelled: nothing further runs.</summary>
    Cancelled,
}
