namespace TaskOrchestrator.Client.Orchestrations;

/// <summary>Where one step of an orchestration is.</summary>
public enum OrchestrationStepStatus
{
    /// <summary>Its turn has not come.</summary>
    Pending,

    /// <summary>Its task is scheduled or running.</summary>
    Running,

    /// <summary>Its task completed; its condition check is in progress.</summary>
    Checking,

    /// <summary>Its task completed and its check (if any) passed.</summary>
    Passed,

    /// <summary>Its task failed.</summary>
    Failed,

    /// <summary>Its check never passed; its fallback (if any) runs or ran.</summary>
    ConditionNotMet,

    /// <summary>The orchestration was cancelled during this step.</summary>
    Cancelled,
}
