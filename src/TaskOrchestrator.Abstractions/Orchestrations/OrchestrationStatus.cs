namespace TaskOrchestrator.Orchestrations;

/// <summary>Where an orchestration is in its life.</summary>
public enum OrchestrationStatus
{
    /// <summary>Waiting for its start time; it can still be modified or cancelled.</summary>
    Scheduled = 0,

    /// <summary>Its first step started; steps run one after another.</summary>
    Running = 1,

    /// <summary>Every step ran and passed its check.</summary>
    Completed = 2,

    /// <summary>A step's task failed, or its condition check never passed (see <see cref="OrchestrationFailureReason"/>).</summary>
    Failed = 3,

    /// <summary>Cancelled: nothing further runs (a step call already in flight was let finish).</summary>
    Cancelled = 4,
}
