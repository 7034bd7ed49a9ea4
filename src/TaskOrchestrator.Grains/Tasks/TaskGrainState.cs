using TaskOrchestrator.Callbacks;
using TaskOrchestrator.Listing;

namespace TaskOrchestrator.Tasks;

/// <summary>The persisted state of a <see cref="TaskGrain"/>.</summary>
[GenerateSerializer, Alias("TaskOrchestrator.TaskGrainState")]
public sealed class TaskGrainState
{
    /// <summary>What was asked; null until the task is scheduled.</summary>
    [Id(0)] public TaskDefinition? Definition { get; set; }

    /// <summary>Where the task is in its life.</summary>
    [Id(1)] public ScheduledTaskStatus Status { get; set; }

    /// <summary>The current due time (the definition's, or a later reschedule's).</summary>
    [Id(2)] public DateTimeOffset DueAt { get; set; }

    /// <summary>How many attempts have started (<see cref="History"/> has the attempts themselves).</summary>
    [Id(3)] public int AttemptsStarted { get; set; }

    /// <summary>When the first attempt started.</summary>
    [Id(4)] public DateTimeOffset? StartedAt { get; set; }

    /// <summary>When the task reached a final status.</summary>
    [Id(5)] public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>What the target answered to the last attempt.</summary>
    [Id(6)] public TaskResponse? Response { get; set; }

    /// <summary>Every attempt so far (the last <see cref="MaxHistory"/>), oldest first.</summary>
    [Id(7)] public List<TaskAttempt> History { get; set; } = [];

    /// <summary>When the next attempt starts, while a failed attempt waits for its retry; null otherwise.</summary>
    [Id(8)] public DateTimeOffset? NextAttemptAt { get; set; }

    /// <summary>Attempts that got an outcome; an attempt cut short by a silo's death does not count towards the retry policy.</summary>
    [Id(9)] public int FinishedAttempts { get; set; }

    /// <summary>
    /// The statuses whose listing rows may exist, kept by the task store (see <see cref="StatusSet"/>); empty in state
    /// stored before listing rows existed.
    /// </summary>
    [Id(10)] public StatusSet ListingStatuses { get; set; }

    /// <summary>
    /// The labels (their digests, see <see cref="LabelRows"/>) whose listing rows may exist, kept by the task store like
    /// <see cref="ListingStatuses"/>; null for none.
    /// </summary>
    [Id(11)] public List<string>? ListingLabels { get; set; }

    /// <summary>The reruns made of this task, oldest first (the latest <see cref="MaxReruns"/>); null for none.</summary>
    [Id(12)] public List<Guid>? Reruns { get; set; }

    /// <summary>The delivery of the completion callback, once the task ended with an outcome its callback reports.</summary>
    [Id(20)] public CallbackDelivery? Callback { get; set; }

    /// <summary>Once finished: when the task is removed (its finish plus its retention).</summary>
    [Id(21)] public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>How many attempts <see cref="History"/> keeps (the retry policy allows at most 100).</summary>
    public const int MaxHistory = 100;

    /// <summary>How many reruns <see cref="Reruns"/> keeps: the latest.</summary>
    public const int MaxReruns = 20;

    /// <summary>Records the rerun <paramref name="id"/> unless it is recorded already; the oldest goes beyond <see cref="MaxReruns"/>.</summary>
    public void AddRerun(Guid id)
    {
        Reruns ??= [];
        if (Reruns.Contains(id))
        {
            return;
        }

        if (Reruns.Count >= MaxReruns)
        {
            Reruns.RemoveAt(0);
        }

        Reruns.Add(id);
    }

    /// <summary>Adds an attempt that just started.</summary>
    public void AddAttempt(TaskAttempt attempt)
    {
        if (History.Count >= MaxHistory)
        {
            History.RemoveAt(0);
        }

        History.Add(attempt);
    }

    /// <summary>Replaces the last attempt (the current one) with <paramref name="update"/> of it.</summary>
    public void UpdateLastAttempt(Func<TaskAttempt, TaskAttempt> update)
    {
        if (History.Count > 0)
        {
            History[^1] = update(History[^1]);
        }
    }

    /// <summary>The error a task's last attempt shows once its record had to be made smaller to be stored.</summary>
    public const string CompactedError = "Storage refused this task's record for its size: its response and the details of earlier attempts were dropped.";

    /// <summary>
    /// Makes the state small enough to store after storage refused it for its size: the response body and every attempt
    /// but the last are dropped, the last attempt's error is replaced. A finished task keeps its status; one that was
    /// still running (or waiting for a retry) ends Failed, since its progress cannot be stored.
    /// </summary>
    public void Compact(DateTimeOffset now)
    {
        Response = new TaskResponse(Response?.StatusCode, null, CompactedError, Response?.Failure);
        if (History.Count > 0)
        {
            var last = History[^1] with { Error = CompactedError, FinishedAt = History[^1].FinishedAt ?? now };
            History = [last];
        }

        if (!Status.IsFinal())
        {
            Status = ScheduledTaskStatus.Failed;
            NextAttemptAt = null;
            FinishedAt = now;
        }
    }

    /// <summary>The task as the API shows it; only valid once <see cref="Definition"/> is set.</summary>
    public TaskSnapshot ToSnapshot(Guid id)
    {
        var definition = Definition ?? throw new InvalidOperationException("The task has not been scheduled.");
        return new TaskSnapshot(
            id, definition.Owner, definition.Url, definition.Method, definition.CreatedAt, DueAt, Status, AttemptsStarted, StartedAt, FinishedAt, Response, definition.OrchestrationId,
            [.. History], NextAttemptAt, definition.Delivery, definition.ScheduleId, definition.ScheduledFor, definition.Labels, definition.RerunOf,
            Reruns is { Count: > 0 } reruns ? [.. reruns] : null, definition.Callback, Callback, ExpiresAt);
    }
}
