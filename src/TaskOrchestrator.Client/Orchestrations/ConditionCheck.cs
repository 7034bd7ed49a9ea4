using System.Text.Json.Serialization;
using TaskOrchestrator.Client.Http;

namespace TaskOrchestrator.Client.Orchestrations;

/// <summary>
/// A check after a step: it passes when its call answers 2xx with a body other than the JSON literal <c>false</c>;
/// otherwise it is tried again <see cref="Retries"/> times, <see cref="RetryDelay"/> apart.
/// </summary>
public sealed record ConditionCheck
{
    /// <summary>The URL to call.</summary>
    [JsonPropertyName("taskURL")]
    public required Uri Url { get; init; }

    /// <summary>The HTTP method; the service's default is GET.</summary>
    public string? Method { get; init; }

    /// <summary>After the step's task finished, before the first attempt; default 0.</summary>
    [JsonPropertyName("delayInMS"), JsonConverter(typeof(MillisecondsConverter))]
    public TimeSpan? Delay { get; init; }

    /// <summary>Further attempts after a first that did not pass, 0 to 100; default 0.</summary>
    public int? Retries { get; init; }

    /// <summary>After an attempt finished, before the next; default 1 s.</summary>
    [JsonPropertyName("retryDelayInMS"), JsonConverter(typeof(MillisecondsConverter))]
    public TimeSpan? RetryDelay { get; init; }
}
