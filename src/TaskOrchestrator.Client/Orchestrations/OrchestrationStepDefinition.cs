using System.Text.Json.Serialization;

namespace TaskOrchestrator.Client.Orchestrations;

/// <summary>One step to run: its call, and optionally its own check and fallback instead of the orchestration's.</summary>
public sealed record OrchestrationStepDefinition
{
    /// <summary>The URL to call.</summary>
    [JsonPropertyName("taskURL")]
    public required Uri Url { get; init; }

    /// <summary>The HTTP method; the service's default is POST.</summary>
    public string? Method { get; init; }

    /// <summary>Headers sent with the call.</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    /// <summary>The body sent with the call.</summary>
    public string? Body { get; init; }

    /// <summary>This step's check, instead of the orchestration's.</summary>
    public ConditionCheck? ConditionCheck { get; init; }

    /// <summary>This step's fallback, instead of the orchestration's.</summary>
    [JsonPropertyName("fallbackTaskURL")]
    public Uri? FallbackUrl { get; init; }
}
