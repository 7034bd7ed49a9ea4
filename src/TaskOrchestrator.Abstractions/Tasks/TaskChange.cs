namespace TaskOrchestrator.Tasks;

/// <summary>A change to a scheduled task (the API's PATCH); every null part is kept as it is.</summary>
/// <param name="DueTime">The new due time.</param>
/// <param name="Labels">The new labels, replacing all of them (empty removes them).</param>
[GenerateSerializer, Immutable, Alias("TaskOrchestrator.TaskChange")]
public sealed record TaskChange(
    [property: Id(0)] DueTimeChange? DueTime,
    [property: Id(1)] IReadOnlyDictionary<string, string>? Labels = null);
