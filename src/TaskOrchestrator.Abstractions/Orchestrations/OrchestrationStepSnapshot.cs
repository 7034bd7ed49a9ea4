using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Orchestrations;

/// <summary>One step as it stands now.</summary>
/// <param name="Index">Its position, from 0.</param>
/// <param name="Url">The step's target URL.</param>
/// <param name="Method">The step's HTTP method.</param>
/// <param name="Status">Where the step is.</param>
/// <param name="TaskId">The id of the step's task, once its turn came.</param>
/// <param name="TaskStatus">The step's task's status as last known.</param>
/// <param name="ConditionCheck">The check that follows this step, or null for none.</param>
/// <param name="CheckAttempts">The check's attempts so far, in order.</param>
/// <param name="FallbackUrl">The fallback called if the check never passes, or null.</param>
/// <param name="FallbackTaskId">The fallback's task id, once it was scheduled.</param>
/// <param name="FallbackStatus">The fallback task's status as last known.</param>
[GenerateSerializer, Immutable, Alias("TaskOrchestrator.OrchestrationStepSnapshot")]
public sealed record OrchestrationStepSnapshot(
    [property: Id(0)] int Index,
    [property: Id(1)] string Url,
    [property: Id(2)] string Method,
    [property: Id(3)] OrchestrationStepStatus Status,
    [property: Id(4)] Guid? TaskId,
    [property: Id(5)] ScheduledTaskStatus? TaskStatus,
    [property: Id(6)] ConditionCheckDefinition? ConditionCheck,
    [property: Id(7)] IReadOnlyList<ConditionCheckAttempt> CheckAttempts,
    [property: Id(8)] string? FallbackUrl,
    [property: Id(9)] Guid? FallbackTaskId,
    [property: Id(10)] ScheduledTaskStatus? FallbackStatus);
