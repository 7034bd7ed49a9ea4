using TaskOrchestrator.Callbacks;

namespace TaskOrchestrator.Tasks;

/// <summary>What a user asked for: call <paramref name="Url"/> at <paramref name="DueAt"/>.</summary>
/// <param name="Owner">The subject of the token that created the task; only it (and admins) may see it.</param>
/// <param name="Url">Absolute http or https URL to call.</param>
/// <param name="Method">HTTP method, upper case.</param>
/// <param name="Headers">Request headers sent with every attempt; never returned by the API.</param>
/// <param name="Body">Request body sent with every attempt; never returned by the API.</param>
/// <param name="CreatedAt">When the task was accepted.</param>
/// <param name="DueAt">When the first attempt must start: never before, and as soon after as possible.</param>
/// <param name="OrchestrationId">The orchestration this task is a step (or check, or fallback) of; null for a standalone task.</param>
/// <param name="Observer">A grain implementing <see cref="ITaskObserver"/> to tell when the task finishes; null for none.</param>
/// <param name="Delivery">Retries, attempt timeout and authentication, defaults already applied; null (tasks stored before it existed) means one attempt with the configured timeout.</param>
/// <param name="ScheduleId">The recurring schedule whose occurrence (or trigger) created this task; null otherwise.</param>
/// <param name="ScheduledFor">The instant of that occurrence (the task's due time).</param>
/// <param name="Labels">The caller's labels (key to value), listed and filtered on; null for none.</param>
/// <param name="RerunOf">The finished task this one is a rerun of (a copy of its call); null otherwise.</param>
/// <param name="Callback">Where to report the task's ending, and which endings; null for none.</param>
/// <param name="Retention">How long the finished task is kept before it is removed; null for the configured default. A task of an orchestration is never removed on its own: it goes with its orchestration.</param>
/// <param name="IdempotencyKey">The key of the <c>Idempotency-Key</c> claim (an <c>IIdempotencyGrain</c>) the task was created under, released when retention removes the task; null for none.</param>
[GenerateSerializer, Immutable, Alias("TaskOrchestrator.TaskDefinition")]
public sealed record TaskDefinition(
    [property: Id(0)] string Owner,
    [property: Id(1)] string Url,
    [property: Id(2)] string Method,
    [property: Id(3)] IReadOnlyDictionary<string, string>? Headers,
    [property: Id(4)] string? Body,
    [property: Id(5)] DateTimeOffset CreatedAt,
    [property: Id(6)] DateTimeOffset DueAt,
    [property: Id(7)] Guid? OrchestrationId = null,
    [property: Id(8)] GrainId? Observer = null,
    [property: Id(9)] DeliveryPolicy? Delivery = null,
    [property: Id(10)] Guid? ScheduleId = null,
    [property: Id(11)] DateTimeOffset? ScheduledFor = null,
    [property: Id(12)] IReadOnlyDictionary<string, string>? Labels = null,
    [property: Id(13)] Guid? RerunOf = null,
    [property: Id(20)] CompletionCallback? Callback = null,
    [property: Id(21)] TimeSpan? Retention = null,
    [property: Id(40)] string? IdempotencyKey = null);
