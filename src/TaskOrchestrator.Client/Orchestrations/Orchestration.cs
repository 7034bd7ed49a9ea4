using System.Text.Json.Serialization;
using TaskOrchestrator.Client.Http;

namespace TaskOrchestrator.Client.Orchestrations;

/// <summary>An orchestration with every step, as the service reports it.</summary>
public sealed record Orchestration
{
    /// <summary>The orchestration's id.</summary>
    public required Guid Id { get; init; }

    /// <summary>When it was accepted.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When its first step is due.</summary>
    public DateTimeOffset StartAt { get; init; }

    /// <summary>From creation to the start.</summary>
    [JsonPropertyName("initialDelayInMS"), JsonConverter(typeof(MillisecondsConverter))]
    public TimeSpan InitialDelay { get; init; }

    /// <summary>Where it is in its life.</summary>
    public OrchestrationStatus Status { get; init; }

    /// <summary>Why it failed; null unless <see cref="OrchestrationStatus.Failed"/>.</summary>
    public OrchestrationFailureReason? FailureReason { get; init; }

    /// <summary>The index of the step running (or last run).</summary>
    public int CurrentStep { get; init; }

    /// <summary>When it reached its final status.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Every step, in order.</summary>
    public IReadOnlyList<OrchestrationStep> Steps { get; init; } = [];

    /// <summary>Its labels.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>The failed runs retries resumed from (<see cref="ITaskOrchestratorClient.RetryOrchestrationAsync"/>), oldest first.</summary>
    public IReadOnlyList<OrchestrationPreviousRun> PreviousRuns { get; init; } = [];

    /// <summary>Once finished: when it is removed with its step tasks (then the service answers 404 for it).</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Where its ending is reported, if anywhere.</summary>
    public Callbacks.CompletionCallback? Callback { get; init; }

    /// <summary>How the report of its latest ending went; null until it ends in a way <see cref="Callback"/> reports.</summary>
    public Callbacks.CallbackDelivery? CallbackDelivery { get; init; }
}
