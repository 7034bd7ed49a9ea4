using System.Text.Json.Serialization;
using TaskOrchestrator.Client.Http;

namespace TaskOrchestrator.Client.Orchestrations;

/// <summary>The check that applies to a step, and the attempts made so far.</summary>
public sealed record ConditionCheckProgress
{
    /// <summary>The URL each attempt calls.</summary>
    [JsonPropertyName("taskURL")]
    public required Uri Url { get; init; }

    /// <summary>The HTTP method each attempt calls with.</summary>
    public required string Method { get; init; }

    /// <summary>After the step's task finished, before the first attempt.</summary>
    [JsonPropertyName("delayInMS"), JsonConverter(typeof(MillisecondsConverter))]
    public TimeSpan Delay { get; init; }

    /// <summary>Further attempts after a first that did not pass.</summary>
    public int Retries { get; init; }

    /// <summary>After an attempt finished, before the next.</summary>
    [JsonPropertyName("retryDelayInMS"), JsonConverter(typeof(MillisecondsConverter))]
    public TimeSpan RetryDelay { get; init; }

    /// <summary>The attempts made so far.</summary>
    public IReadOnlyList<ConditionCheckAttempt> Attempts { get; init; } = [];
}
