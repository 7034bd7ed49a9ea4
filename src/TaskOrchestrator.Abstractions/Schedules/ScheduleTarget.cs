using TaskOrchestrator.Callbacks;
using TaskOrchestrator.Orchestrations;
using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Schedules;

/// <summary>What each occurrence runs: one task, or one orchestration (exactly one of the two is set).</summary>
/// <param name="Task">The task each occurrence creates: its call (the due time is the occurrence's instant).</param>
/// <param name="Orchestration">The orchestration each occurrence creates (it starts at the occurrence's instant).</param>
[GenerateSerializer, Immutable, Alias("TaskOrchestrator.ScheduleTarget")]
public sealed record ScheduleTarget(
    [property: Id(0)] ScheduledCall? Task,
    [property: Id(1)] ScheduledOrchestration? Orchestration);

/// <summary>The call each occurrence of a schedule makes, as a task.</summary>
/// <param name="Url">Absolute http or https URL to call.</param>
/// <param name="Method">HTTP method, upper case.</param>
/// <param name="Headers">Request headers; never returned by the API.</param>
/// <param name="Body">Request body; never returned by the API.</param>
/// <param name="Delivery">Retries, attempt timeout and authentication, defaults applied.</param>
/// <param name="Callback">The completion callback each task it creates carries, or null.</param>
/// <param name="Retention">The retention each task it creates carries; null for the configured default.</param>
[GenerateSerializer, Immutable, Alias("TaskOrchestrator.ScheduledCall")]
public sealed record ScheduledCall(
    [property: Id(0)] string Url,
    [property: Id(1)] string Method,
    [property: Id(2)] IReadOnlyDictionary<string, string>? Headers,
    [property: Id(3)] string? Body,
    [property: Id(4)] DeliveryPolicy? Delivery,
    [property: Id(20)] CompletionCallback? Callback = null,
    [property: Id(21)] TimeSpan? Retention = null);

/// <summary>The orchestration each occurrence of a schedule creates.</summary>
/// <param name="Steps">Its steps.</param>
/// <param name="ConditionCheck">Its default condition check, or null.</param>
/// <param name="FallbackUrl">Its default fallback, or null.</param>
/// <param name="Delivery">Its fallback's delivery policy.</param>
/// <param name="Callback">The completion callback each orchestration it creates carries (before the schedule's own), or null.</param>
[GenerateSerializer, Immutable, Alias("TaskOrchestrator.ScheduledOrchestration")]
public sealed record ScheduledOrchestration(
    [property: Id(0)] IReadOnlyList<OrchestrationStepDefinition> Steps,
    [property: Id(1)] ConditionCheckDefinition? ConditionCheck,
    [property: Id(2)] string? FallbackUrl,
    [property: Id(3)] DeliveryPolicy? Delivery,
    [property: Id(30)] CompletionCallback? Callback = null);
