namespace TaskOrchestrator.Tasks;

/// <summary>The outcome of <see cref="ITaskGrain.RerunAsync"/>.</summary>
/// <param name="Outcome">Ok, NotFound (no task, or another owner's), or Conflict (not finished).</param>
/// <param name="Original">The task that was rerun, as it stands afterwards (listing its new rerun); null when not found.</param>
/// <param name="Rerun">The new task; null unless Ok.</param>
/// <param name="Reason">Why the rerun was refused, for the caller to show.</param>
[GenerateSerializer, Immutable, Alias("TaskOrchestrator.TaskRerunResult")]
public sealed record TaskRerunResult(
    [property: Id(0)] TaskCommandOutcome Outcome,
    [property: Id(1)] TaskSnapshot? Original,
    [property: Id(2)] TaskSnapshot? Rerun,
    [property: Id(3)] string? Reason = null)
{
    /// <summary>A rerun of a task that does not exist (for the caller).</summary>
    public static TaskRerunResult NotFound() => new(TaskCommandOutcome.NotFound, null, null, "No task exists with this id.");
}
