namespace TaskOrchestrator.Orchestrations;

/// <summary>Why an orchestration failed.</summary>
public enum OrchestrationFailureReason
{
    /// <summary>A step's task answered non-2xx or not at all.</summary>
    TaskFailed = 0,

    /// <summary>A step's condition check never passed; the fallback task (if any) ran.</summary>
    ConditionNotMet = 1,
}
