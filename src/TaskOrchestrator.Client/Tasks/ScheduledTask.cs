using System.Text.Json.Serialization;
using TaskOrchestrator.Client.Http;

namespace TaskOrchestrator.Client.Tasks;

/// <summary>A task as the service reports it. Headers and body are never returned.</summary>
public sealed record ScheduledTask
{
    /// <summary>The task's id.</summary>
    public required Guid Id { get; init; }

    /// <summary>The URL it calls.</summary>
    [JsonPropertyName("taskURL")]
    public required Uri Url { get; init; }

    /// <summary>The HTTP method it calls with.</summary>
    public required string Method { get; init; }

    /// <summary>From creation to the due time.</summary>
    [JsonPropertyName("delayInMS"), JsonConverter(typeof(MillisecondsConverter))]
    public TimeSpan Delay { get; init; }

    /// <summary>When it was accepted.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the call is due; it never starts earlier.</summary>
    public DateTimeOffset DueAt { get; init; }

    /// <summary>Where it is in its life.</summary>
    public ScheduledTaskStatus Status { get; init; }

    /// <summary>Every attempt so far, oldest first (retries, and calls made again after a crash interrupted one).</summary>
    public IReadOnlyList<TaskAttemptRecord> Attempts { get; init; } = [];

    /// <summary>While a failed attempt waits for its retry (status Running): when the next attempt starts.</summary>
    public DateTimeOffset? NextAttemptAt { get; init; }

    /// <summary>When the first call started.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When it reached its final status.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary><see cref="StartedAt"/> minus <see cref="DueAt"/>, in milliseconds.</summary>
    public double? LatenessMs { get; init; }

    /// <summary>What the target answered to the last call.</summary>
    public TargetResponse? Response { get; init; }

    /// <summary>The orchestration that scheduled it (as a step, check or fallback), if any.</summary>
    public Guid? OrchestrationId { get; init; }

    /// <summary>The recurring schedule that created it, if any.</summary>
    public Guid? ScheduleId { get; init; }

    /// <summary>For a schedule's run: the occurrence it runs (its due time), or when it was triggered.</summary>
    public DateTimeOffset? ScheduledFor { get; init; }

    /// <summary>Its labels.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>The finished task this one reruns, if any.</summary>
    public Guid? RerunOf { get; init; }

    /// <summary>The reruns made of this task, oldest first (the latest 20).</summary>
    public IReadOnlyList<Guid> Reruns { get; init; } = [];

    /// <summary>Where its ending is reported, if anywhere.</summary>
    public Callbacks.CompletionCallback? Callback { get; init; }

    /// <summary>How that report went, once it ended with an outcome the callback reports.</summary>
    public Callbacks.CallbackDelivery? CallbackDelivery { get; init; }

    /// <summary>Once finished: when it is removed (then the service answers 404 for it).</summary>
    public DateTimeOffset? ExpiresAt { get; init; }
}
