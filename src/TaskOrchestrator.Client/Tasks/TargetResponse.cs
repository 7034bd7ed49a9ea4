namespace TaskOrchestrator.Client.Tasks;

/// <summary>What a task's target answered.</summary>
/// <param name="StatusCode">The HTTP status code; null when no answer came.</param>
/// <param name="Body">The first 4 KiB of the body.</param>
/// <param name="Error">Why no usable answer came (connection refused, timeout, …).</param>
public sealed record TargetResponse(int? StatusCode, string? Body, string? Error);
