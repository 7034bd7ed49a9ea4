using System.Text.Json.Serialization;
using TaskOrchestrator.Client.Orchestrations;
using TaskOrchestrator.Client.Tasks;

namespace TaskOrchestrator.Client.Http;

/// <summary>The body of <c>POST /tasks</c>.</summary>
internal sealed record CreateTaskBody(
    [property: JsonPropertyName("taskURL")] Uri Url,
    [property: JsonPropertyName("delayInMS"), JsonConverter(typeof(MillisecondsConverter))] TimeSpan? Delay,
    DateTimeOffset? RunAt,
    string? Method,
    IReadOnlyDictionary<string, string>? Headers,
    string? Body,
    RetrySettings? Retry = null,
    [property: JsonPropertyName("timeoutInMS"), JsonConverter(typeof(MillisecondsConverter))] TimeSpan? Timeout = null,
    IReadOnlyDictionary<string, string>? Labels = null,
    Callbacks.CompletionCallback? Callback = null,
    [property: JsonPropertyName("retentionInMS"), JsonConverter(typeof(MillisecondsConverter))] TimeSpan? Retention = null);

/// <summary>The body of <c>PATCH /tasks/{id}</c>.</summary>
internal sealed record ModifyTaskBody(
    [property: JsonPropertyName("delayInMS"), JsonConverter(typeof(MillisecondsConverter))] TimeSpan? Delay,
    DateTimeOffset? RunAt,
    IReadOnlyDictionary<string, string>? Labels = null);

/// <summary>The body of <c>POST /tasks/{id}/rerun</c>.</summary>
internal sealed record RerunTaskBody(
    [property: JsonPropertyName("delayInMS"), JsonConverter(typeof(MillisecondsConverter))] TimeSpan? Delay,
    DateTimeOffset? RunAt);

/// <summary>The answer of <c>PUT /tasks/{id}/cancel</c>.</summary>
internal sealed record CancelTaskAnswer(bool Cancelled, ScheduledTask Task);

/// <summary>The answer of <c>GET /tasks/{id}/status</c>.</summary>
internal sealed record TaskStatusAnswer(Guid Id, ScheduledTaskStatus Status);

/// <summary>The answer of <c>PUT /orchestrations/{id}/cancel</c>.</summary>
internal sealed record CancelOrchestrationAnswer(bool Cancelled, Orchestration Orchestration);

/// <summary>An RFC 9457 ProblemDetails body, with the validation errors ASP.NET Core adds.</summary>
internal sealed record Problem(string? Type, string? Title, int? Status, string? Detail, Dictionary<string, string[]>? Errors);
