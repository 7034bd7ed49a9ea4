namespace TaskOrchestrator.Tasks;

/// <summary>How a task's call is made: its retries, each attempt's timeout, and how it authenticates to the target.</summary>
/// <param name="Retry">When a failed attempt is made again.</param>
/// <param name="Timeout">How long one attempt may take before it counts as timed out and is cancelled.</param>
/// <param name="Authentication">Extra authentication of the call (AWS SigV4), beyond the scheduler's signature headers.</param>
[GenerateSerializer, Immutable, Alias("TaskOrchestrator.DeliveryPolicy")]
public sealed record DeliveryPolicy(
    [property: Id(0)] RetryPolicy Retry,
    [property: Id(1)] TimeSpan Timeout,
    [property: Id(2)] TargetAuthentication Authentication = TargetAuthentication.None);
