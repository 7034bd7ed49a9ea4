namespace TaskOrchestrator.Orchestrations;

/// <summary>Helpers over <see cref="OrchestrationStatus"/>.</summary>
public static class OrchestrationStatusExtensions
{
    /// <summary>True once no further step can run: Completed, Failed or Cancelled.</summary>
    public static bool IsFinal(this OrchestrationStatus status) =>
        status is OrchestrationStatus.Completed or OrchestrationStatus.Failed or OrchestrationStatus.Cancelled;
}
