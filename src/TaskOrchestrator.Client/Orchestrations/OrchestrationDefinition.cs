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

    /// <summary>
    /// Labels to find it by (on a change: replacing all of them) (at most 16; key 1-64 characters of <c>A-Z a-z 0-9 . _ / -</c> starting with a letter or
    /// digit; value at most 256 characters, no control characters).
    /// </summary>
    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    /// <summary>
    /// How long the finished orchestration is kept, with its step tasks, before it is removed (1 s to 366 days); null for the
    /// service's default (7 days). Only when it is created: a change that gives it is refused.
    /// </summary>
    [JsonPropertyName("retentionInMS"), JsonConverter(typeof(MillisecondsConverter))]
    public TimeSpan? Retention { get; init; }

    /// <summary>
    /// Where the service POSTs the orchestration (as <see cref="ITaskOrchestratorClient.GetOrchestrationAsync"/> returns it)
    /// once it ends; on creation only. After a retry its next ending is reported too.
    /// </summary>
    public Callbacks.CompletionCallback? Callback { get; init; }
}
