namespace TaskOrchestrator.Orchestrations;

/// <summary>What a condition check grain is asked to do.</summary>
/// <param name="OrchestrationId">The orchestration to report to.</param>
/// <param name="Step">The step the check follows.</param>
/// <param name="Owner">The orchestration's owner; the attempt tasks belong to it.</param>
/// <param name="Check">What to call and how often.</param>
/// <param name="FirstAttemptAt">When the first attempt is due: the step task's end plus the check's delay.</param>
[GenerateSerializer, Immutable, Alias("TaskOrchestrator.ConditionCheckRequest")]
public sealed record ConditionCheckRequest(
    [property: Id(0)] Guid OrchestrationId,
    [property: Id(1)] int Step,
    [property: Id(2)] string Owner,
    [property: Id(3)] ConditionCheckDefinition Check,
    [property: Id(4)] DateTimeOffset FirstAttemptAt);
