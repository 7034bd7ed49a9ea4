namespace TaskOrchestrator.Orchestrations;

/// <summary>One call of a condition check.</summary>
/// <param name="TaskId">The attempt's task (it shows in task listings).</param>
/// <param name="At">When the call started.</param>
/// <param name="StatusCode">The answer's status code, or null when none came.</param>
/// <param name="Passed">True when the answer was 2xx with a body other than the JSON literal <c>false</c>.</param>
[GenerateSerializer, Immutable, Alias("TaskOrchestrator.ConditionCheckAttempt")]
public sealed record ConditionCheckAttempt(
    [property: Id(0)] Guid TaskId,
    [property: Id(1)] DateTimeOffset? At,
    [property: Id(2)] int? StatusCode,
    [property: Id(3)] bool Passed);
