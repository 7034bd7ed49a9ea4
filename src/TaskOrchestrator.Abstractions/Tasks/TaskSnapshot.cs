using System.Text.Json.Serialization;
using TaskOrchestrator.Callbacks;
using TaskOrchestrator.Labels;

namespace TaskOrchestrator.Tasks;

/// <summary>A task as it stands now: what was asked and what happened so far.</summary>
/// <param name="Id">The task's id (its grain key).</param>
/// <param name="Owner">The subject that owns the task.</param>
/// <param name="Url">The target URL.</param>
/// <param name="Method">The HTTP method.</param>
/// <param name="CreatedAt">When the task was accepted.</param>
/// <param name="DueAt">When it is (or was) due; changed by a reschedule.</param>
/// <param name="Status">Where the task is in its life.</param>
/// <param name="AttemptsStarted">How many attempts have started (retries, and calls made again after a silo died mid-call); <paramref name="History"/> has the attempts themselves.</param>
/// <param name="StartedAt">When the first attempt started.</param>
/// <param name="FinishedAt">When the task reached Completed or Failed, or was cancelled.</param>
/// <param name="Response">What the target answered to the last attempt.</param>
/// <param name="OrchestrationId">The orchestration this task belongs to; null for a standalone task.</param>
/// <param name="History">The attempts so far, oldest first (the last 100).</param>
/// <param name="NextAttemptAt">While a failed attempt waits for its retry (status Running): when the next one starts.</param>
/// <param name="Delivery">The task's retry policy, attempt timeout and authentication; null for tasks stored before they existed.</param>
/// <param name="ScheduleId">The recurring schedule that created it, or null.</param>
/// <param name="ScheduledFor">The instant of the schedule's occurrence that created it.</param>
/// <param name="Labels">Its labels; null for none.</param>
/// <param name="RerunOf">The task it is a rerun of, or null.</param>
/// <param name="Reruns">The reruns made of it, oldest first (the latest <c>TaskGrainState.MaxReruns</c>); null for none.</param>
/// <param name="Callback">Where its ending is reported, or null.</param>
/// <param name="CallbackDelivery">How the report of its ending went; null until it ends with an outcome the callback reports.</param>
/// <param name="ExpiresAt">Once finished: when it is removed.</param>
[GenerateSerializer, Immutable, Alias("TaskOrchestrator.TaskSnapshot")]
public sealed record TaskSnapshot(
    [property: Id(0)] Guid Id,
    [property: Id(1)] string Owner,
    [property: Id(2)] string Url,
    [property: Id(3)] string Method,
    [property: Id(4)] DateTimeOffset CreatedAt,
    [property: Id(5)] DateTimeOffset DueAt,
    [property: Id(6)] ScheduledTaskStatus Status,
    // Listing rows hold the snapshot as JSON, with this count under "attempts".
    [property: Id(7), JsonPropertyName("attempts")] int AttemptsStarted,
    [property: Id(8)] DateTimeOffset? StartedAt,
    [property: Id(9)] DateTimeOffset? FinishedAt,
    [property: Id(10)] TaskResponse? Response,
    [property: Id(11)] Guid? OrchestrationId = null,
    [property: Id(12)] IReadOnlyList<TaskAttempt>? History = null,
    [property: Id(13)] DateTimeOffset? NextAttemptAt = null,
    [property: Id(14)] DeliveryPolicy? Delivery = null,
    [property: Id(15)] Guid? ScheduleId = null,
    [property: Id(16)] DateTimeOffset? ScheduledFor = null,
    [property: Id(17)] IReadOnlyDictionary<string, string>? Labels = null,
    [property: Id(18)] Guid? RerunOf = null,
    [property: Id(19)] IReadOnlyList<Guid>? Reruns = null,
    [property: Id(20)] CompletionCallback? Callback = null,
    [property: Id(21)] CallbackDelivery? CallbackDelivery = null,
    [property: Id(22)] DateTimeOffset? ExpiresAt = null)
{
    /// <summary>Value equality, the attempts, labels and reruns included.</summary>
    public bool Equals(TaskSnapshot? other) =>
        other is not null && Id == other.Id && Owner == other.Owner && Url == other.Url && Method == other.Method && CreatedAt == other.CreatedAt
        && DueAt == other.DueAt && Status == other.Status && AttemptsStarted == other.AttemptsStarted && StartedAt == other.StartedAt && FinishedAt == other.FinishedAt
        && Equals(Response, other.Response) && OrchestrationId == other.OrchestrationId && NextAttemptAt == other.NextAttemptAt && Equals(Delivery, other.Delivery)
        && ScheduleId == other.ScheduleId && ScheduledFor == other.ScheduledFor && RerunOf == other.RerunOf
        && Equals(Callback, other.Callback) && Equals(CallbackDelivery, other.CallbackDelivery) && ExpiresAt == other.ExpiresAt
        && (History ?? []).SequenceEqual(other.History ?? []) && (Reruns ?? []).SequenceEqual(other.Reruns ?? [])
        && LabelSet.Equal(Labels, other.Labels);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Id, Status, AttemptsStarted, DueAt);
}
