namespace TaskOrchestrator.Orchestrations;

/// <summary>A failed run of an orchestration that a retry resumed from: where and how it failed, kept as it was.</summary>
/// <param name="FailedAt">When it failed.</param>
/// <param name="FailureReason">Why it failed.</param>
/// <param name="RetriedAt">When the retry resumed it.</param>
/// <param name="FailedStep">The step that failed, with its task, check attempts and fallback as they ended.</param>
[GenerateSerializer, Immutable, Alias("TaskOrchestrator.OrchestrationPreviousRun")]
public sealed record OrchestrationPreviousRun(
    [property: Id(0)] DateTimeOffset FailedAt,
    [property: Id(1)] OrchestrationFailureReason FailureReason,
    [property: Id(2)] DateTimeOffset RetriedAt,
    [property: Id(3)] OrchestrationStepSnapshot FailedStep);
