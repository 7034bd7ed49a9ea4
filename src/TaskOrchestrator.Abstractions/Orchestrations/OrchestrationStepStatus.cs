namespace TaskOrchestrator.Orchestrations;

/// <summary>Where one step of an orchestration is.</summary>
public enum OrchestrationStepStatus
{
    /// <summary>Its turn has not come (the first step: the orchestration has not started).</summary>
    Pending = 0,

    /// <summary>Its task is scheduled or running.</summary>
    Running = 1,

    /// <summary>Its task completed; its condition check is in progress.</summary>
    Checking = 2,

    /// <summary>Its task completed and its check (if any) passed.</summary>
    Passed = 3,

    /// <summary>Its task failed.</summary>
    Failed = 4,

    /// <summary>Its check never passed; its fallback task (if any) runs or ran.</summary>
    ConditionNotMet = 5,

    /// <summary>The orchestration was cancelled during this step.</summary>
    Cancelled = 6,
}
