namespace TaskOrchestrator.Client.Orchestrations;

/// <summary>A failed run of an orchestration that a retry resumed from, as it ended.</summary>
/// <param name="FailedAt">When it failed.</param>
/// <param name="FailureReason">Why it failed.</param>
/// <param name="RetriedAt">When the retry resumed it.</param>
/// <param name="FailedStep">The step that failed, with its task and check as they ended.</param>
public sealed record OrchestrationPreviousRun(DateTimeOffset FailedAt, OrchestrationFailureReason FailureReason, DateTimeOffset RetriedAt, OrchestrationStep FailedStep);
