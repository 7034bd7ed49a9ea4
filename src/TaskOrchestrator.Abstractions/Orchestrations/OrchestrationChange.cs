namespace TaskOrchestrator.Orchestrations;

/// <summary>A change to a scheduled orchestration; every null part is kept as it is.</summary>
/// <param name="StartAt">The new start time (see also <paramref name="InitialDelay"/>).</param>
/// <param name="Steps">The new steps.</param>
/// <param name="ConditionCheck">The new default condition check.</param>
/// <param name="FallbackUrl">The new default fallback URL.</param>
/// <param name="Delivery">The new delivery policy of the fallback.</param>
/// <param name="MaxCalls">
/// When given, the change is refused (<see cref="Tasks.TaskCommandOutcome.Invalid"/>) if the orchestration it makes could
/// cause more calls than this (<see cref="OrchestrationWork.MaxCalls"/>). Checked by the grain against the definition it
/// holds, so that two changes made at once cannot together exceed it.
/// </param>
/// <param name="Labels">The new labels, replacing all of them (empty removes them).</param>
/// <param name="InitialDelay">The new start time as a delay after the orchestration's creation (how the API's PATCH gives it); a start already past means now. Wins over <paramref name="StartAt"/>.</param>
[GenerateSerializer, Immutable, Alias("TaskOrchestrator.OrchestrationChange")]
public sealed record OrchestrationChange(
    [property: Id(0)] DateTimeOffset? StartAt,
    [property: Id(1)] IReadOnlyList<OrchestrationStepDefinition>? Steps,
    [property: Id(2)] ConditionCheckDefinition? ConditionCheck,
    [property: Id(3)] string? FallbackUrl,
    [property: Id(4)] TaskOrchestrator.Tasks.DeliveryPolicy? Delivery = null,
    [property: Id(5)] long? MaxCalls = null,
    [property: Id(6)] TimeSpan? InitialDelay = null,
    [property: Id(7)] IReadOnlyDictionary<string, string>? Labels = null);
