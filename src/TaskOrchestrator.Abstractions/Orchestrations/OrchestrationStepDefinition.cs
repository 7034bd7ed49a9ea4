namespace TaskOrchestrator.Orchestrations;

/// <summary>One step: the call to make, and optionally its own check and fallback instead of the orchestration's.</summary>
/// <param name="Url">Absolute http or https URL to call.</param>
/// <param name="Method">HTTP method, upper case.</param>
/// <param name="Headers">Request headers; never returned by the API.</param>
/// <param name="Body">Request body; never returned by the API.</param>
/// <param name="ConditionCheck">This step's check, replacing the orchestration's; null to use the orchestration's.</param>
/// <param name="FallbackUrl">This step's fallback, replacing the orchestration's; null to use the orchestration's.</param>
/// <param name="Delivery">The call's retries, timeout and authentication, defaults applied; null (stored before it existed) for one attempt.</param>
[GenerateSerializer, Immutable, Alias("TaskOrchestrator.OrchestrationStepDefinition")]
public sealed record OrchestrationStepDefinition(
    [property: Id(0)] string Url,
    [property: Id(1)] string Method,
    [property: Id(2)] IReadOnlyDictionary<string, string>? Headers,
    [property: Id(3)] string? Body,
    [property: Id(4)] ConditionCheckDefinition? ConditionCheck = null,
    [property: Id(5)] string? FallbackUrl = null,
    [property: Id(6)] TaskOrchestrator.Tasks.DeliveryPolicy? Delivery = null);
