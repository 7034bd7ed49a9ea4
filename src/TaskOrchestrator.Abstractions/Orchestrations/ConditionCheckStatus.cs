namespace TaskOrchestrator.Orchestrations;

/// <summary>Where a condition check is.</summary>
public enum ConditionCheckStatus
{
    /// <summary>An attempt is scheduled or running.</summary>
    Checking = 0,

    /// <summary>An attempt passed.</summary>
    Passed = 1,

    /// <summary>Every attempt failed.</summary>
    NotMet = 2,

    /// <summary>The orchestration was cancelled.</summary>
    Cancelled = 3,
}
