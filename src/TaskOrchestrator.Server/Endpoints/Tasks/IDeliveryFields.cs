namespace TaskOrchestrator.Server.Endpoints.Tasks;

/// <summary>
/// The delivery fields a task, an orchestration, a step and a condition check all have (<c>retry</c>, <c>timeoutInMS</c>,
/// <c>authentication</c>): checked by <see cref="DeliveryRequestValidator"/>, mapped by <see cref="DeliveryRequestMapping"/>.
/// </summary>
internal interface IDeliveryFields
{
    /// <summary>When failed attempts are made again; fields not given are inherited.</summary>
    RetryRequest? Retry { get; }

    /// <summary>Milliseconds one attempt may take; inherited when not given.</summary>
    long? TimeoutInMs { get; }

    /// <summary>How the call authenticates to its target (see <see cref="AuthenticationNames"/>); inherited when not given.</summary>
    string? Authentication { get; }
}
