using System.Text.Json.Serialization;
using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Server.Endpoints.Tasks;

/// <summary>The body of <c>POST /tasks</c>.</summary>
public sealed record CreateTaskRequest
{
    /// <summary>Absolute http or https URL to call.</summary>
    [JsonPropertyName("taskURL")]
    public string? TaskUrl { get; init; }

    /// <summary>Milliseconds from now until the call; give this or <see cref="RunAt"/>.</summary>
    [JsonPropertyName("delayInMS")]
    public long? DelayInMs { get; init; }

    /// <summary>The instant of the call (ISO-8601 with offset); give this or <see cref="DelayInMs"/>.</summary>
    public DateTimeOffset? RunAt { get; init; }

    /// <summary>HTTP method; default POST.</summary>
    public string? Method { get; init; }

    /// <summary>Request headers to send.</summary>
    public Dictionary<string, string>? Headers { get; init; }

    /// <summary>Request body to send.</summary>
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
public sealed record TaskResponseResource(int? StatusCode, string? Body, string? Error);

/// <summary>The body of <c>GET /tasks/{id}/status</c>.</summary>
public sealed record TaskStatusResource(Guid Id, ScheduledTaskStatus Status);

/// <summary>The body of <c>PUT /tasks/{id}/cancel</c>.</summary>
public sealed record CancelTaskResponse(bool Cancelled, Guid Id, ScheduledTaskStatus Status, TaskResource Task);
