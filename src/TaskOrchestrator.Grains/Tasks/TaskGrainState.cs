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

    /// <summary>How many attempts have started.</summary>
    [Id(3)] public int Attempts { get; set; }

    /// <summary>When the first attempt started.</summary>
    [Id(4)] public DateTimeOffset? StartedAt { get; set; }

    /// <summary>When the task reached a final status.</summary>
    [Id(5)] public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>What the target answered to the last attempt.</summary>
    [Id(6)] public TaskResponse? Response { get; set; }

    /// <summary>The task as the API shows it; only valid once <see cref="Definition"/> is set.</summary>
    public TaskSnapshot ToSnapshot(Guid id)
    {
        var definition = Definition ?? throw new InvalidOperationException("The task has not been scheduled.");
        return new TaskSnapshot(
            id, definition.Owner, definition.Url, definition.Method, definition.CreatedAt, DueAt, Status, Attempts, StartedAt, FinishedAt, Response, definition.OrchestrationId);
    }
}
