using System.Text.Json.Serialization;
using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Server.Endpoints.Tasks;

/// <summary>The body of <c>POST /tasks</c>.</summary>
public sealed record CreateTaskRequest
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
}

/// <summary>The body of <c>PATCH /tasks/{id}</c>: a new due time, as a delay from creation or an instant.</summary>
public sealed record UpdateTaskRequest
{
    /// <summary>Milliseconds after the task's creation; a time already past means "run now".</summary>
    [JsonPropertyName("delayInMS")]
    public long? DelayInMs { get; init; }

    /// <summary>The new instant of the call; a time already past means "run now".</summary>
    public DateTimeOffset? RunAt { get; init; }
}

/// <summary>A task as the API shows it; <c>orchestrationId</c> appears on tasks an orchestration scheduled.</summary>
/// <param name="Id">The task's id.</param>
/// <param name="TaskUrl">The URL it calls.</param>
/// <param name="Method">The HTTP method it calls with.</param>
/// <param name="DelayInMs">Milliseconds from creation to the due time.</param>
/// <param name="CreatedAt">When it was accepted.</param>
/// <param name="DueAt">When the call is due: it never starts earlier.</param>
/// <param name="Status">Where it is in its life.</param>
/// <param name="Attempts">Calls started so far (more than 1 after a crash interrupted a call).</param>
/// <param name="StartedAt">When the first call started.</param>
/// <param name="FinishedAt">When it reached its final status.</param>
/// <param name="LatenessMs">startedAt - dueAt, in milliseconds.</param>
/// <param name="Response">What the target answered to the last call.</param>
/// <param name="OrchestrationId">The orchestration that scheduled it (as a step, check or fallback), if any.</param>
public sealed record TaskResource(
    Guid Id,
    [property: JsonPropertyName("taskURL")] string TaskUrl,
    string Method,
    [property: JsonPropertyName("delayInMS")] long DelayInMs,
    DateTimeOffset CreatedAt,
    DateTimeOffset DueAt,
    ScheduledTaskStatus Status,
    int Attempts,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    double? LatenessMs,
    TaskResponseResource? Response,
    Guid? OrchestrationId)
{
    /// <summary>Maps a grain snapshot to the API's shape.</summary>
    public static TaskResource From(TaskSnapshot task) => new(
        task.Id,
        task.Url,
        task.Method,
        (long)(task.DueAt - task.CreatedAt).TotalMilliseconds,
        task.CreatedAt,
        task.DueAt,
        task.Status,
        task.Attempts,
        task.StartedAt,
        task.FinishedAt,
        task.StartedAt is { } started ? Math.Round((started - task.DueAt).TotalMilliseconds, 3) : null,
        task.Response is { } r ? new TaskResponseResource(r.StatusCode, r.Body, r.Error) : null,
        task.OrchestrationId);
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
