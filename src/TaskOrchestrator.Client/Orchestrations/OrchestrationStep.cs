using System.Text.Json.Serialization;
using TaskOrchestrator.Client.Tasks;

namespace TaskOrchestrator.Client.Orchestrations;

/// <summary>One step of an orchestration: its task, its check's attempts and its fallback.</summary>
public sealed record OrchestrationStep
{
    /// <summary>The step's position, from 0.</summary>
    public int Index { get; init; }

    /// <summary>The URL its task calls.</summary>
    [JsonPropertyName("taskURL")]
    public required Uri Url { get; init; }

    /// <summary>The HTTP method its task calls with.</summary>
    public required string Method { get; init; }

    /// <summary>Where the step is.</summary>
    public OrchestrationStepStatus Status { get; init; }

    /// <summary>Its task's id (a task <see cref="ITaskOrchestratorClient.GetAsync"/> can read) once its turn came.</summary>
    public Guid? TaskId { get; init; }

    /// <summary>Its task's status, when known.</summary>
    public ScheduledTaskStatus? TaskStatus { get; init; }

    /// <summary>The check that applies to it, with the attempts made.</summary>
    public ConditionCheckProgress? ConditionCheck { get; init; }

    /// <summary>The fallback that applies to it.</summary>
    [JsonPropertyName("fallbackTaskURL")]
    public Uri? FallbackUrl { get; init; }

    /// <summary>The fallback task's id, once scheduled.</summary>
    public Guid? FallbackTaskId { get; init; }

    /// <summary>The fallback task's status, when known.</summary>
    public ScheduledTaskStatus? FallbackStatus { get; init; }
}
