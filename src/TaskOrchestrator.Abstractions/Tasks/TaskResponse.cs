namespace TaskOrchestrator.Tasks;

/// <summary>What the target did with the last attempt.</summary>
/// <param name="StatusCode">The HTTP status code, or null when no response arrived.</param>
/// <param name="Body">The first 4 KiB of the response body, decoded as UTF-8.</param>
/// <param name="Error">Why no usable response arrived (connection refused, timeout, ...), or null.</param>
/// <param name="Failure">What kind of failure <paramref name="Error"/> is; null when an answer arrived.</param>
/// <param name="RetryAfter">How long the target asked to wait before the next attempt (its <c>Retry-After</c>), or null.</param>
[GenerateSerializer, Immutable, Alias("TaskOrchestrator.TaskResponse")]
public sealed record TaskResponse(
    [property: Id(0)] int? StatusCode,
    [property: Id(1)] string? Body,
    [property: Id(2)] string? Error,
    [property: Id(3)] DeliveryFailure? Failure = null,
    [property: Id(4)] TimeSpan? RetryAfter = null)
{
    /// <summary>True when the target answered with a 2xx status code.</summary>
    public bool IsSuccess => StatusCode is >= 200 and < 300;
}
