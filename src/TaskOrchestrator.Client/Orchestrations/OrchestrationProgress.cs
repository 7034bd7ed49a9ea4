namespace TaskOrchestrator.Client.Orchestrations;

/// <summary>An orchestration's status, as <see cref="ITaskOrchestratorClient.GetOrchestrationStatusAsync"/> reports it.</summary>
/// <param name="Id">The orchestration's id.</param>
/// <param name="Status">Where it is in its life.</param>
/// <param name="FailureReason">Why it failed; null unless Failed.</param>
/// <param name="CurrentStep">The index of the step running (or last run).</param>
public sealed record OrchestrationProgress(Guid Id, OrchestrationStatus Status, OrchestrationFailureReason? FailureReason, int CurrentStep);
