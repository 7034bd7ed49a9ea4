using TaskOrchestrator.Callbacks;

namespace TaskOrchestrator.Orchestrations;

/// <summary>What a user asked for: run <paramref name="Steps"/> in order from <paramref name="StartAt"/>.</summary>
/// <param name="Owner">The subject of the token that created it; only it (and admins) may see it.</param>
/// <param name="CreatedAt">When it was accepted.</param>
/// <param name="StartAt">When the first step's call must start: never before, and as soon after as possible.</param>
/// <param name="Steps">The steps, 1 to 1000.</param>
/// <param name="ConditionCheck">The check run after every step that has none of its own; null for none.</param>
/// <param name="FallbackUrl">Called (POST, no body) when a step's check never passes, unless the step has its own; null for none.</param>
/// <param name="Delivery">How the fallback's call is made (steps and checks carry their own); null for one attempt.</param>
/// <param name="ScheduleId">The recurring schedule whose occurrence (or trigger) created it; null otherwise.</param>
/// <param name="ScheduledFor">The instant of that occurrence (its start).</param>
/// <param name="Labels">The caller's labels (key to value), listed and filtered on; null for none.</param>
/// <param name="Retention">How long the finished orchestration is kept before it is removed (with its step tasks); null for the configured default.</param>
/// <param name="IdempotencyKey">The key of the <c>Idempotency-Key</c> claim it was created under, released when retention removes it; null for none.</param>
/// <param name="Callback">Where its ending is reported (the orchestration as <c>GET</c> shows it), and for which endings; null for nowhere.</param>
[GenerateSerializer, Immutable, Alias("TaskOrchestrator.OrchestrationDefinition")]
public sealed record OrchestrationDefinition(
    [property: Id(0)] string Owner,
    [property: Id(1)] DateTimeOffset CreatedAt,
    [property: Id(2)] DateTimeOffset StartAt,
    [property: Id(3)] IReadOnlyList<OrchestrationStepDefinition> Steps,
    [property: Id(4)] ConditionCheckDefinition? ConditionCheck,
    [property: Id(5)] string? FallbackUrl,
    [property: Id(6)] TaskOrchestrator.Tasks.DeliveryPolicy? Delivery = null,
    [property: Id(7)] Guid? ScheduleId = null,
    [property: Id(8)] DateTimeOffset? ScheduledFor = null,
    [property: Id(9)] IReadOnlyDictionary<string, string>? Labels = null,
    [property: Id(40)] TimeSpan? Retention = null,
    [property: Id(41)] string? IdempotencyKey = null,
    [property: Id(30)] CompletionCallback? Callback = null)
{
    /// <summary>The check that runs after step <paramref name="index"/>, or null for none.</summary>
    public ConditionCheckDefinition? CheckFor(int index) => Steps[index].ConditionCheck ?? ConditionCheck;

    /// <summary>The fallback of step <paramref name="index"/>, or null for none.</summary>
    public string? FallbackFor(int index) => Steps[index].FallbackUrl ?? FallbackUrl;
}
