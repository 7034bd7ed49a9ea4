using System.Text.Json;
using System.Text.Json.Serialization;
using TaskOrchestrator.Client.Orchestrations;
using TaskOrchestrator.Client.Schedules;
using TaskOrchestrator.Client.Tasks;

namespace TaskOrchestrator.Client.Http;

/// <summary>
/// Source-generated JSON for every body the client sends and reads, so it works trimmed and native-AOT compiled. The
/// service's conventions: camelCase, enums as names, nulls left out; unknown members are ignored so that a newer
/// service's additions do not break an older client.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, UseStringEnumConverter = true)]
[JsonSerializable(typeof(CreateTaskBody))]
[JsonSerializable(typeof(ModifyTaskBody))]
[JsonSerializable(typeof(ScheduledTask))]
[JsonSerializable(typeof(ScheduledTask[]))]
[JsonSerializable(typeof(CancelTaskAnswer))]
[JsonSerializable(typeof(TaskStatusAnswer))]
[JsonSerializable(typeof(OrchestrationDefinition))]
[JsonSerializable(typeof(Orchestration))]
[JsonSerializable(typeof(OrchestrationSummary[]))]
[JsonSerializable(typeof(OrchestrationProgress))]
[JsonSerializable(typeof(CancelOrchestrationAnswer))]
[JsonSerializable(typeof(RecurringScheduleDefinition))]
[JsonSerializable(typeof(RecurringSchedule))]
[JsonSerializable(typeof(RecurringSchedule[]))]
[JsonSerializable(typeof(ScheduleRunRecord))]
[JsonSerializable(typeof(Problem))]
[JsonSerializable(typeof(RerunTaskBody))]
[JsonSerializable(typeof(Bulk.BulkSelection))]
[JsonSerializable(typeof(Bulk.BulkResult))]
internal sealed partial class ClientJsonContext : JsonSerializerContext;
