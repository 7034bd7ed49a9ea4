namespace TaskOrchestrator.Client.Tasks;

/// <summary>One attempt at a task's call.</summary>
/// <param name="Attempt">1 for the first attempt.</param>
/// <param name="StartedAt">When the call started.</param>
/// <param name="FinishedAt">When its outcome was known; null while in flight or when a silo died during it.</param>
/// <param name="StatusCode">The target's status code; null when no answer came.</param>
/// <param name="Error">Why no usable answer came (timeout, connection refused, blocked address, interrupted).</param>
public sealed record TaskAttemptRecord(int Attempt, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, int? StatusCode, string? Error);
