using System.Text.Json.Serialization;
using TaskOrchestrator.Server.Endpoints.Callbacks;
using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Server.Endpoints.Tasks;

/// <summary>The body of <c>POST /tasks</c>.</summary>
public sealed record CreateTaskRequest : IDeliveryFields
{
    /// <summary>Absolute http or https URL to call.</summary>
    [JsonPropertyName("taskURL")]
    public string? TaskUrl { get; init; }

    /// <summary>Milliseconds from now until the call, at most 366 days; give this or <c>runAt</c>.</summary>
    [JsonPropertyName("delayInMS")]
    public long? DelayInMs { get; init; }

    /// <summary>The instant of the call (ISO-8601 with offset; a past time means now); give this or <c>delayInMS</c>.</summary>
    public DateTimeOffset? RunAt { get; init; }

    /// <summary>HTTP method: GET, POST (default), PUT, PATCH, DELETE, HEAD or OPTIONS.</summary>
    public string? Method { get; init; }

    /// <summary>Request headers to send (at most 64); never echoed back. Body headers such as Content-Type apply only with a body.</summary>
    public Dictionary<string, string>? Headers { get; init; }

    /// <summary>Request body to send, as application/json unless the headers set Content-Type; never echoed back.</summary>
    public string? Body { get; init; }

    /// <summary>When failed attempts are made again; fields not given take the configured defaults.</summary>
    public RetryRequest? Retry { get; init; }

    /// <summary>Milliseconds one attempt may take before it is cancelled and counts as a timeout, 100 to 900000 (15 min). Default 30000.</summary>
    [JsonPropertyName("timeoutInMS")]
    public long? TimeoutInMs { get; init; }

    /// <summary>
    /// <c>awsSigV4</c> to sign the call with AWS Signature Version 4 (Lambda function URLs with AuthType AWS_IAM), only
    /// for a host the service allows (by default its region's function URLs; 422 otherwise); default <c>none</c>.
    /// </summary>
    public string? Authentication { get; init; }

    /// <summary>
    /// Labels to find the task by (<c>GET /tasks?label=key:value</c>): at most 16; a key is 1-64 characters of
    /// <c>A-Z a-z 0-9 . _ / -</c> starting with a letter or digit; a value at most 256 characters, no control characters.
    /// </summary>
    public Dictionary<string, string?>? Labels { get; init; }

    /// <summary>Where to POST the task (as <c>GET</c> shows it) once it ends, and for which endings (default all three).</summary>
    public CallbackRequest? Callback { get; init; }

    /// <summary>Milliseconds the finished task is kept before it is removed, 1000 to 31622400000 (366 days). Default: the configured retention (7 days).</summary>
    [JsonPropertyName("retentionInMS")]
    public long? RetentionInMs { get; init; }
}

/// <summary>The body of <c>PATCH /tasks/{id}</c>: a new due time, as a delay from creation or an instant, and/or new labels.</summary>
public sealed record UpdateTaskRequest
{
    /// <summary>Milliseconds after the task's creation; a time already past means "run now".</summary>
    [JsonPropertyName("delayInMS")]
    public long? DelayInMs { get; init; }

    /// <summary>The new instant of the call; a time already past means "run now".</summary>
    public DateTimeOffset? RunAt { get; init; }

    /// <summary>New labels, replacing all of the task's (<c>{}</c> removes them); same rules as on creation.</summary>
    public Dictionary<string, string?>? Labels { get; init; }
}

/// <summary>A task as the API shows it; <c>orchestrationId</c> appears on tasks an orchestration scheduled.</summary>
/// <param name="Id">The task's id.</param>
/// <param name="TaskUrl">The URL it calls.</param>
/// <param name="Method">The HTTP method it calls with.</param>
/// <param name="DelayInMs">Milliseconds from creation to the due time.</param>
/// <param name="CreatedAt">When it was accepted.</param>
/// <param name="DueAt">When the call is due: it never starts earlier.</param>
/// <param name="Status">Where it is in its life; stays Running between a failed attempt and its retry.</param>
/// <param name="Attempts">Every attempt so far, oldest first (the last 100).</param>
/// <param name="NextAttemptAt">While a failed attempt waits for its retry: when the next attempt starts.</param>
/// <param name="StartedAt">When the first call started.</param>
/// <param name="FinishedAt">When it reached its final status.</param>
/// <param name="LatenessMs">startedAt - dueAt, in milliseconds.</param>
/// <param name="Response">What the target answered to the last call.</param>
/// <param name="Retry">Its retry policy (defaults applied).</param>
/// <param name="TimeoutInMs">How long one attempt may take.</param>
/// <param name="Authentication">none, or awsSigV4.</param>
/// <param name="OrchestrationId">The orchestration that scheduled it (as a step, check or fallback), if any.</param>
/// <param name="ScheduleId">The recurring schedule whose occurrence (or trigger) created it, if any.</param>
/// <param name="ScheduledFor">The instant of that occurrence (its due time).</param>
/// <param name="Labels">Its labels (empty for none).</param>
/// <param name="RerunOf">The finished task this one reruns (<c>POST /tasks/{id}/rerun</c>), if any.</param>
/// <param name="Reruns">The reruns made of this task, oldest first (the latest 20).</param>
/// <param name="Callback">Where its ending is reported, if anywhere.</param>
/// <param name="CallbackDelivery">How that report went, once it ended with an outcome the callback reports.</param>
/// <param name="ExpiresAt">Once finished: when it is removed (then GET answers 404 and listings no longer show it).</param>
public sealed record TaskResource(
    Guid Id,
    [property: JsonPropertyName("taskURL")] string TaskUrl,
    string Method,
    [property: JsonPropertyName("delayInMS")] long DelayInMs,
    DateTimeOffset CreatedAt,
    DateTimeOffset DueAt,
    ScheduledTaskStatus Status,
    IReadOnlyList<TaskAttemptResource> Attempts,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    double? LatenessMs,
    TaskResponseResource? Response,
    RetryResource Retry,
    [property: JsonPropertyName("timeoutInMS")] long TimeoutInMs,
    string Authentication,
    Guid? OrchestrationId,
    Guid? ScheduleId = null,
    DateTimeOffset? ScheduledFor = null,
    IReadOnlyDictionary<string, string>? Labels = null,
    Guid? RerunOf = null,
    IReadOnlyList<Guid>? Reruns = null,
    CallbackResource? Callback = null,
    CallbackDeliveryResource? CallbackDelivery = null,
    DateTimeOffset? ExpiresAt = null)
{
    private static readonly IReadOnlyDictionary<string, string> NoLabels = new Dictionary<string, string>();

    /// <summary>The subject that owns it: the caller's own, or for an admin, any owner's.</summary>
    public string? Owner { get; init; }

    // Tasks stored before delivery policies existed made one attempt with the configured timeout.
    private static readonly RetryResource SingleAttempt = new(1, 0, 1, 0, 0, []);

    /// <summary>
    /// Maps a grain snapshot to the API's shape; a task stored without a delivery policy shows
    /// <paramref name="attemptTimeout"/>, the configured timeout its attempts are made with.
    /// </summary>
    public static TaskResource From(TaskSnapshot task, TimeSpan attemptTimeout) => new(
        task.Id,
        task.Url,
        task.Method,
        (long)(task.DueAt - task.CreatedAt).TotalMilliseconds,
        task.CreatedAt,
        task.DueAt,
        task.Status,
        task.History?.Select(TaskAttemptResource.From).ToArray() ?? [],
        task.NextAttemptAt,
        task.StartedAt,
        task.FinishedAt,
        task.StartedAt is { } started ? Math.Round((started - task.DueAt).TotalMilliseconds, 3) : null,
        task.Response is { } r ? new TaskResponseResource(r.StatusCode, r.Body, r.Error) : null,
        task.Delivery is { } delivery ? RetryResource.From(delivery.Retry) : SingleAttempt,
        (long)(task.Delivery?.Timeout ?? attemptTimeout).TotalMilliseconds,
        AuthenticationNames.NameOf(task.Delivery?.Authentication ?? TargetAuthentication.None),
        task.OrchestrationId,
        task.ScheduleId,
        task.ScheduledFor,
        task.Labels ?? NoLabels,
        task.RerunOf,
        task.Reruns ?? [],
        CallbackResource.From(task.Callback),
        CallbackDeliveryResource.From(task.CallbackDelivery),
        task.ExpiresAt)
    {
        Owner = task.Owner,
    };
}

/// <summary>What the target answered.</summary>
/// <param name="StatusCode">The HTTP status code; absent when no answer came.</param>
/// <param name="Body">The first 4 KiB of the answer's body (UTF-8).</param>
/// <param name="Error">Why no usable answer came (connection refused, timeout, …).</param>
public sealed record TaskResponseResource(int? StatusCode, string? Body, string? Error);

/// <summary>The body of <c>GET /tasks/{id}/status</c>.</summary>
/// <param name="Id">The task's id.</param>
/// <param name="Status">Where the task is in its life.</param>
public sealed record TaskStatusResource(Guid Id, ScheduledTaskStatus Status);

/// <summary>The body of <c>PUT /tasks/{id}/cancel</c>.</summary>
/// <param name="Cancelled">Always true: a task that can no longer be cancelled gets 409 instead.</param>
/// <param name="Id">The task's id.</param>
/// <param name="Status">Cancelled.</param>
/// <param name="Task">The whole task.</param>
public sealed record CancelTaskResponse(bool Cancelled, Guid Id, ScheduledTaskStatus Status, TaskResource Task);
