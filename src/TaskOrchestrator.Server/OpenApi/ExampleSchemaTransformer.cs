using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using TaskOrchestrator.Orchestrations;
using TaskOrchestrator.Schedules;
using TaskOrchestrator.Server.Endpoints.Callbacks;
using TaskOrchestrator.Server.Endpoints.Orchestrations;
using TaskOrchestrator.Server.Endpoints.Bulk;
using TaskOrchestrator.Server.Endpoints.Schedules;
using TaskOrchestrator.Server.Endpoints.Signing;
using TaskOrchestrator.Server.Endpoints.Tasks;
using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Server.OpenApi;

/// <summary>
/// Puts an example on the schemas of the request and response bodies. The examples are instances of the real DTOs
/// serialized with the API's own JSON options, so they cannot drift from what the API reads and writes.
/// </summary>
internal sealed class ExampleSchemaTransformer(IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json) : IOpenApiSchemaTransformer
{
    private static readonly Guid TaskId = Guid.Parse("019ac5f0-8d3a-7b2e-9c41-2f6d8e0a1b3c");
    private static readonly Guid OrchestrationId = Guid.Parse("019ac5f1-0a7e-7c55-8e12-6b3f9d4c2a10");
    private static readonly DateTimeOffset CreatedAt = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);

    private static readonly TaskResource ExampleTask = new(
        TaskId, "https://example.com/hook", "POST", 5000, CreatedAt, CreatedAt.AddSeconds(5), ScheduledTaskStatus.Completed,
        [
            new(1, CreatedAt.AddSeconds(5).AddTicks(4_200), CreatedAt.AddMilliseconds(5027), 503, null),
            new(2, CreatedAt.AddMilliseconds(5912), CreatedAt.AddMilliseconds(5931), 200, null),
        ],
        null, CreatedAt.AddSeconds(5).AddTicks(4_200), CreatedAt.AddMilliseconds(5931), 0.42, new TaskResponseResource(200, "{\"ok\":true}", null),
        new RetryResource(3, 1000, 2, 60_000, 0.2, ["connectionError", "timeout", "408", "429", "5xx"]), 30_000, "none", null,
        Labels: new Dictionary<string, string> { ["team"] = "billing" }, Reruns: [],
        Callback: new CallbackResource("https://example.com/task-ended", ["completed", "failed", "cancelled"]),
        CallbackDelivery: new CallbackDeliveryResource(TaskOrchestrator.Callbacks.CallbackStatus.Delivered, "completed", 1, 204, null, null, CreatedAt.AddMilliseconds(5990)),
        ExpiresAt: CreatedAt.AddMilliseconds(5931).AddDays(7))
    {
        Owner = "alice",
    };

    private static readonly Guid RerunId = Guid.Parse("019ac5f3-4e1d-7f20-8a6b-0c9d2e3f4a5b");

    private static readonly OrchestrationResource ExampleOrchestration = new(
        OrchestrationId, CreatedAt, CreatedAt.AddMinutes(1), 60_000, OrchestrationStatus.Running, null, 1, null,
        [
            new(0, "https://example.com/step1", "POST", OrchestrationStepStatus.Passed, TaskId, ScheduledTaskStatus.Completed,
                new ConditionCheckResource("https://example.com/ready", "GET", 0, 3, 1000,
                    [new(Guid.Parse("019ac5f1-4c2b-7d90-a3e5-0f1e2d3c4b5a"), CreatedAt.AddMinutes(1).AddSeconds(1), 200, true)]),
                "https://example.com/fallback", null, null),
            new(1, "https://example.com/step2", "POST", OrchestrationStepStatus.Running, Guid.Parse("019ac5f1-5d3c-7e01-b4f6-1a2b3c4d5e6f"),
                ScheduledTaskStatus.Scheduled, null, "https://example.com/fallback", null, null),
        ],
        Callback: new CallbackResource("https://example.com/orchestration-ended", ["completed", "failed"]))
    {
        Owner = "alice",
    };

    private static readonly Guid ScheduleId = Guid.Parse("019ac5f2-1b2c-7a3d-9e4f-5a6b7c8d9e0f");

    private static readonly ScheduleResource ExampleSchedule = new(
        ScheduleId, ScheduleStatus.Active, CreatedAt, CreatedAt, "0 9 * * 1-5", null, "Europe/Berlin", null, null, "skip", "latest", 3_600_000,
        new ScheduledTaskResource("https://example.com/hook", "POST", new RetryResource(3, 1000, 2, 60_000, 0.2, ["connectionError", "timeout", "408", "429", "5xx"]), 30_000, "none"),
        null,
        ["2026-11-30T09:00:00+01:00", "2026-12-01T09:00:00+01:00", "2026-12-02T09:00:00+01:00", "2026-12-03T09:00:00+01:00", "2026-12-04T09:00:00+01:00"],
        [
            new(new DateTimeOffset(2026, 11, 27, 8, 0, 0, TimeSpan.Zero), TaskId, null, "Completed", null, null, null),
            new(new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero), null, null, null, true, "the previous run had not finished", null),
        ],
        Callback: new CallbackResource("https://example.com/run-ended", ["failed"]));

    private static readonly Dictionary<Type, object> Examples = new()
    {
        [typeof(CallbackRequest)] = new CallbackRequest { Url = "https://example.com/task-ended", On = ["failed", "cancelled"] },
        [typeof(CallbackResource)] = new CallbackResource("https://example.com/task-ended", ["failed", "cancelled"]),
        [typeof(CallbackDeliveryResource)] = new CallbackDeliveryResource(
            TaskOrchestrator.Callbacks.CallbackStatus.Pending, "failed", 1, 503, null, CreatedAt.AddSeconds(7), null),
        [typeof(ProblemDetails)] = new ProblemDetails
        {
            Type = "https://tools.ietf.org/html/rfc9110#section-15.5.5",
            Title = "Task not found",
            Status = StatusCodes.Status404NotFound,
            Detail = $"No task '{TaskId}' exists.",
        },
        [typeof(HttpValidationProblemDetails)] = new HttpValidationProblemDetails(
            new Dictionary<string, string[]> { ["taskURL"] = ["The scheme 'ftp' is not allowed; use http or https."] })
        {
            Type = "https://tools.ietf.org/html/rfc9110#section-15.5.1",
            Title = "The task is not valid",
            Status = StatusCodes.Status400BadRequest,
        },
        [typeof(CreateTaskRequest)] = new CreateTaskRequest
        {
            TaskUrl = "https://example.com/hook",
            DelayInMs = 5000,
            Method = "POST",
            Headers = new() { ["X-Api-Key"] = "…" },
            Body = "{\"orderId\":42}",
            Retry = new() { MaxAttempts = 5, InitialDelayInMs = 500 },
            TimeoutInMs = 10_000,
            Callback = new() { Url = "https://example.com/task-ended", On = ["failed"] },
            RetentionInMs = 86_400_000,
        },
        [typeof(UpdateTaskRequest)] = new UpdateTaskRequest { DelayInMs = 60_000, Labels = new() { ["team"] = "billing", ["env"] = "prod" } },
        [typeof(RerunTaskRequest)] = new RerunTaskRequest { DelayInMs = 60_000 },
        [typeof(BulkRequest)] = new BulkRequest
        {
            Filter = new() { Status = "Failed", Labels = new() { ["team"] = "billing" }, CreatedAfter = CreatedAt },
            Limit = 500,
        },
        [typeof(BulkResponse)] = new BulkResponse(
            [new BulkItemResult(TaskId, "rerun", NewId: RerunId), new BulkItemResult(OrchestrationId, BulkItemResult.Skipped, BulkItemResult.NotFound)],
            "999998235807999_019ac5f08d3a7b2e9c412f6d8e0a1b3c"),
        [typeof(TaskResource)] = ExampleTask,
        [typeof(TaskStatusResource)] = new TaskStatusResource(TaskId, ScheduledTaskStatus.Scheduled),
        [typeof(CancelTaskResponse)] = new CancelTaskResponse(
            true, TaskId, ScheduledTaskStatus.Cancelled,
            ExampleTask with { Status = ScheduledTaskStatus.Cancelled, Attempts = [], StartedAt = null, FinishedAt = CreatedAt.AddSeconds(2), LatenessMs = null, Response = null }),
        [typeof(OrchestrationRequest)] = new OrchestrationRequest
        {
            InitialDelayInMs = 60_000,
            Tasks = [new() { TaskUrl = "https://example.com/step1" }, new() { TaskUrl = "https://example.com/step2", Method = "POST", Body = "{\"n\":2}" }],
            ConditionCheck = new() { TaskUrl = "https://example.com/ready", DelayInMs = 0, Retries = 3, RetryDelayInMs = 1000 },
            FallbackTaskUrl = "https://example.com/fallback",
            Callback = new() { Url = "https://example.com/orchestration-ended", On = ["completed", "failed"] },
        },
        [typeof(OrchestrationResource)] = ExampleOrchestration,
        [typeof(OrchestrationStatusResource)] = new OrchestrationStatusResource(OrchestrationId, OrchestrationStatus.Running, null, 1),
        [typeof(OrchestrationSummaryResource)] = new OrchestrationSummaryResource(
            OrchestrationId, CreatedAt, CreatedAt.AddMinutes(1), OrchestrationStatus.Failed, OrchestrationFailureReason.ConditionNotMet, 2, CreatedAt.AddMinutes(2)) { Owner = "alice" },
        [typeof(SigningKeysResource)] = new SigningKeysResource(
            "auth0|42", "auth0%7C42", "v2", [new("q3v0Zb3Lh0T9o7H1sQ2dU0Jm5cR8wX4yK6nP1aE7fGs=", "current")]),
        [typeof(ScheduleRequest)] = new ScheduleRequest
        {
            Cron = "0 9 * * 1-5",
            TimeZone = "Europe/Berlin",
            Overlap = "skip",
            CatchUp = "latest",
            Task = new() { TaskUrl = "https://example.com/hook", Body = "{\"report\":\"daily\"}" },
            Callback = new() { Url = "https://example.com/run-ended", On = ["failed"] },
        },
        [typeof(ScheduleResource)] = ExampleSchedule,
        [typeof(ScheduleRunResource)] = new ScheduleRunResource(CreatedAt.AddMinutes(3), TaskId, null, "Scheduled", null, null, true),
        [typeof(CancelOrchestrationResponse)] = new CancelOrchestrationResponse(
            true, OrchestrationId, OrchestrationStatus.Cancelled, ExampleOrchestration with { Status = OrchestrationStatus.Cancelled, FinishedAt = CreatedAt.AddMinutes(2) }),
    };

    private readonly JsonSerializerOptions _options = json.Value.SerializerOptions;

    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        // Only the type's own schema: not a property or parameter that merely has this type.
        if (context.JsonPropertyInfo is null && Examples.TryGetValue(context.JsonTypeInfo.Type, out var example))
        {
            schema.Examples = [JsonSerializer.SerializeToNode(example, example.GetType(), _options)!];
        }

        return Task.CompletedTask;
    }
}
