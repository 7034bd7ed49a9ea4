namespace TaskOrchestrator.Client.Tasks;

/// <summary>When and how a task calls its target: give exactly one of <see cref="Delay"/> and <see cref="RunAt"/>.</summary>
public sealed record ScheduleOptions
{
    /// <summary>From now until the call (at most 366 days).</summary>
    public TimeSpan? Delay { get; init; }

    /// <summary>The instant of the call (a past instant means now).</summary>
    public DateTimeOffset? RunAt { get; init; }

    /// <summary>The HTTP method; the service's default is POST.</summary>
    public string? Method { get; init; }

    /// <summary>Headers sent with the call (never returned by the service).</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    /// <summary>The body sent with the call, as application/json unless <see cref="Headers"/> set Content-Type (never returned by the service).</summary>
    public string? Body { get; init; }

    /// <summary>When failed attempts are made again; null for the service's configured default policy.</summary>
    public RetrySettings? Retry { get; init; }

    /// <summary>
    /// Sent as the <c>Idempotency-Key</c> header: repeating the call with the same key (and the same options) within 24 hours
    /// returns the task the first call created instead of scheduling another, so a call whose answer was lost can be retried safely.
    /// </summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>How long one attempt may take (100 ms to 15 minutes); null for the service's default (30 s).</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>
    /// Labels to find it by (at most 16; key 1-64 characters of <c>A-Z a-z 0-9 . _ / -</c> starting with a letter or
    /// digit; value at most 256 characters, no control characters).
    /// </summary>
    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    /// <summary>Where to report the task's ending, and which endings; null for none.</summary>
    public Callbacks.CompletionCallback? Callback { get; init; }

    /// <summary>How long the finished task is kept before it is removed (1 s to 366 days, whole milliseconds); null for the service's default (7 days).</summary>
    public TimeSpan? Retention { get; init; }
}
