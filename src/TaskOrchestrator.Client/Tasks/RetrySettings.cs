using System.Text.Json.Serialization;
using TaskOrchestrator.Client.Http;

namespace TaskOrchestrator.Client.Tasks;

/// <summary>When a failed attempt is made again; a null field takes the service's configured default.</summary>
public sealed record RetrySettings
{
    /// <summary>Attempts with an outcome, the first included (1 = never retry), at most 100.</summary>
    public int? MaxAttempts { get; init; }

    /// <summary>The wait after the first failed attempt.</summary>
    [JsonPropertyName("initialDelayInMS"), JsonConverter(typeof(MillisecondsConverter))]
    public TimeSpan? InitialDelay { get; init; }

    /// <summary>How much each wait grows over the previous one, 1 to 10.</summary>
    public double? BackoffCoefficient { get; init; }

    /// <summary>The longest wait backoff reaches.</summary>
    [JsonPropertyName("maxDelayInMS"), JsonConverter(typeof(MillisecondsConverter))]
    public TimeSpan? MaxDelay { get; init; }

    /// <summary>The fraction (0 to 1) by which each wait is shortened at random.</summary>
    public double? Jitter { get; init; }

    /// <summary>Failures to retry: connectionError, timeout, a status code, 4xx or 5xx.</summary>
    public IReadOnlyList<string>? RetryOn { get; init; }
}
