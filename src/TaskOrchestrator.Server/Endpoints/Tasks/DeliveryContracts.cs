using System.Text.Json.Serialization;
using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Server.Endpoints.Tasks;

/// <summary>A retry policy in a request; every field is optional and falls back to the configured default.</summary>
public sealed record RetryRequest
{
    /// <summary>Attempts with an outcome, the first included: 1 (never retry) to 100. Default 3.</summary>
    public int? MaxAttempts { get; init; }

    /// <summary>Milliseconds to wait after the first failed attempt, up to 24 h. Default 1000.</summary>
    [JsonPropertyName("initialDelayInMS")]
    public long? InitialDelayInMs { get; init; }

    /// <summary>How much each wait grows over the previous one, 1 to 10. Default 2.</summary>
    public double? BackoffCoefficient { get; init; }

    /// <summary>The longest wait backoff reaches, in milliseconds, up to 24 h. Default 60000.</summary>
    [JsonPropertyName("maxDelayInMS")]
    public long? MaxDelayInMs { get; init; }

    /// <summary>The fraction (0 to 1) by which each wait is shortened at random. Default 0.2.</summary>
    public double? Jitter { get; init; }

    /// <summary>Failures to retry: connectionError, timeout, a status code (400-599), 4xx or 5xx. Default connectionError, timeout, 408, 429, 5xx.</summary>
    public List<string>? RetryOn { get; init; }
}

/// <summary>A retry policy as the API shows it (defaults applied).</summary>
/// <param name="MaxAttempts">Attempts with an outcome, the first included.</param>
/// <param name="InitialDelayInMs">The wait after the first failed attempt.</param>
/// <param name="BackoffCoefficient">How much each wait grows.</param>
/// <param name="MaxDelayInMs">The longest wait backoff reaches.</param>
/// <param name="Jitter">The fraction by which each wait is shortened at random.</param>
/// <param name="RetryOn">The failures retried.</param>
public sealed record RetryResource(
    int MaxAttempts,
    [property: JsonPropertyName("initialDelayInMS")] long InitialDelayInMs,
    double BackoffCoefficient,
    [property: JsonPropertyName("maxDelayInMS")] long MaxDelayInMs,
    double Jitter,
    IReadOnlyList<string> RetryOn)
{
    /// <summary>Maps a policy to the API's shape.</summary>
    public static RetryResource From(RetryPolicy policy) => new(
        policy.MaxAttempts, (long)policy.InitialDelay.TotalMilliseconds, policy.BackoffCoefficient, (long)policy.MaxDelay.TotalMilliseconds, policy.Jitter, policy.RetryOn);
}

/// <summary>One attempt at a task's call.</summary>
/// <param name="Attempt">1 for the first attempt.</param>
/// <param name="StartedAt">When the call started.</param>
/// <param name="FinishedAt">When its outcome was known; absent while in flight or when a silo died during it.</param>
/// <param name="StatusCode">The target's status code; absent when no answer came.</param>
/// <param name="Error">Why no usable answer came (timeout, connection refused, blocked address, interrupted).</param>
public sealed record TaskAttemptResource(int Attempt, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, int? StatusCode, string? Error)
{
    /// <summary>Maps an attempt to the API's shape.</summary>
    public static TaskAttemptResource From(TaskAttempt attempt) =>
        new(attempt.Number, attempt.StartedAt, attempt.FinishedAt, attempt.StatusCode, attempt.Error);
}
