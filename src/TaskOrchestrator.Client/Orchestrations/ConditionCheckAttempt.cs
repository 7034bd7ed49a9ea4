namespace TaskOrchestrator.Client.Orchestrations;

/// <summary>One attempt of a condition check.</summary>
/// <param name="TaskId">The attempt's task id.</param>
/// <param name="At">When its call started.</param>
/// <param name="StatusCode">What the check's target answered; null when it did not.</param>
/// <param name="Passed">True on a 2xx answer whose body is not the JSON literal false.</param>
public sealed record ConditionCheckAttempt(Guid TaskId, DateTimeOffset? At, int? StatusCode, bool Passed);
