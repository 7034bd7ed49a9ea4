namespace TaskOrchestrator.Tasks;

/// <summary>Helpers over <see cref="ScheduledTaskStatus"/>.</summary>
public static class ScheduledTaskStatusExtensions
{
    /// <summary>True once the task can no longer change: Completed, Failed or Cancelled.</summary>
    public static bool IsFinal(this ScheduledTaskStatus status) =>
        status is ScheduledTaskStatus.Completed or ScheduledTaskStatus.Failed or ScheduledTaskStatus.Cancelled;
}
