namespace TaskOrchestrator.Orchestrations;

/// <summary>A condition check as it stands now.</summary>
/// <param name="Id">The check's id (its grain key).</param>
/// <param name="OrchestrationId">The orchestration it reports to.</param>
/// <param name="Step">The step it follows.</param>
/// <param name="Status">Where it is.</param>
/// <param name="Attempts">The attempts that finished, in order.</param>
[GenerateSerializer, Immutable, Alias("TaskOrchestrator.ConditionCheckSnapshot")]
public sealed record ConditionCheckSnapshot(
    [property: Id(0)] Guid Id,
    [property: Id(1)] Guid OrchestrationId,
    [property: Id(2)] int Step,
    [property: Id(3)] ConditionCheckStatus Status,
    [property: Id(4)] IReadOnlyList<ConditionCheckAttempt> Attempts);
