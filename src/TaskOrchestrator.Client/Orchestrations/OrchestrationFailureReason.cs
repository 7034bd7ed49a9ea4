namespace TaskOrchestrator.Client.Orchestrations;

/// <summary>Why an orchestration failed.</summary>
public enum OrchestrationFailureReason
{
    /// <summary>A step's task answered non-2xx or not at all.</summary>
    TaskFailed,

    /// <summary>A step's condition check never passed; its fallback (if any) ran.</summary>
    ConditionNotMet,
}
