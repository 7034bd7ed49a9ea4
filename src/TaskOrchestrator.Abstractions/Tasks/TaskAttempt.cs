namespace TaskOrchestrator.Tasks;

/// <summary>One attempt at a task's call.</summary>
/// <param name="Number">1 for the first attempt.</param>
/// <param name="StartedAt">When the call started.</param>
/// <param name="FinishedAt">When its outcome was known; null while in flight, or when a silo died during it.</param>
/// <param name="StatusCode">The target's HTTP status code; null when no answer came.</param>
/// <param name="Error">Why no usable answer came (timeout, connection refused, blocked address, interrupted), or null.</param>
[GenerateSerializer, Immutable, Alias("TaskOrchestrator.TaskAttempt")]
public sealed record TaskAttempt(
    [property: Id(0)] int Number,
    [property: Id(1)] DateTimeOffset StartedAt,
    [property: Id(2)] DateTimeOffset? FinishedAt,
    [property: Id(3)] int? StatusCode,
    [property: Id(4)] string? Error);
