using System.Text.Json.Serialization;
using TaskOrchestrator.Client.Http;

namespace TaskOrchestrator.Client.Orchestrations;

/// <summary>
/// What an orchestration runs. To create one give <see cref="Tasks"/>; to change one before it starts give only what
/// changes (a null member is left as it is).
/// </summary>
public sealed record OrchestrationDefinition
{
    /// <summary>Until the first step (counted from creation); default 0.</summary>
    [JsonPropertyName("initialDelayInMS"), JsonConverter(typeof(MillisecondsConverter))]
    public TimeSpan? InitialDelay { get; init; }

    /// <summary>The steps, 1 to 1000, run in order.</summary>
    public IReadOnlyList<OrchestrationStepDefinition>? Tasks { get; init; }

    /// <summary>The check after every step that has none of its own.</summary>
    public ConditionCheck? ConditionCheck { get; init; }

    /// <summary>Called (POST, no body) when a step's check never passes, unless the step has its own.</summary>
    [JsonPropertyName("fallbackTaskURL")]
    public Uri? FallbackUrl { get; init; }
}
