namespace TaskOrchestrator.Orchestrations;

/// <summary>How a step's outcome is checked: call <paramref name="Url"/> until it passes (2xx, body not <c>false</c>).</summary>
/// <param name="Url">Absolute http or https URL to call.</param>
/// <param name="Method">HTTP method, upper case.</param>
/// <param name="Delay">How long after the step's task finished the first attempt starts.</param>
/// <param name="Retries">How many more attempts after a first one that did not pass.</param>
/// <param name="RetryDelay">How long after an attempt finished the next one starts.</param>
/// <param name="Delivery">How each attempt's call is made (its own retries on connection errors, 5xx, …, its timeout); null for one try.</param>
[GenerateSerializer, Immutable, Alias("TaskOrchestrator.ConditionCheckDefinition")]
public sealed record ConditionCheckDefinition(
    [property: Id(0)] string Url,
    [property: Id(1)] string Method,
    [property: Id(2)] TimeSpan Delay,
    [property: Id(3)] int Retries,
    [property: Id(4)] TimeSpan RetryDelay,
    [property: Id(5)] TaskOrchestrator.Tasks.DeliveryPolicy? Delivery = null);
