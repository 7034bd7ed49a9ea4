namespace TaskOrchestrator.Tasks;

/// <summary>How a command on a task ended.</summary>
public enum TaskCommandOutcome
{
    /// <summary>The command took effect (or had already: cancelling a cancelled task).</summary>
    Ok = 0,

    /// <summary>No task exists under that id.</summary>
    NotFound = 1,

    /// <summary>The task is in a state that does not allow the command.</summary>
    Conflict = 2,

    /// <summary>The command asks for something a limit does not allow (an orchestration change that makes too much work).</summary>
    Invalid = 3,
}

/// <summary>The outcome of a command and the task as it stands afterwards.</summary>
/// <param name="Outcome">Whether the command took effect.</param>
/// <param name="Task">The task after the command, or null when it does not exist.</param>
/// <param name="Reason">Why the command was refused, for the caller to show.</param>
[GenerateSerializer, Immutable, Alias("TaskOrchestrator.TaskCommandResult")]
public sealed record TaskCommandResult(
    [property: Id(0)] TaskCommandOutcome Outcome,
    [property: Id(1)] TaskSnapshot? Task,
    [property: Id(2)] string? Reason = null)
{
    /// <summary>A command that took effect.</summary>
    public static TaskCommandResult Ok(TaskSnapshot task) => new(TaskCommandOutcome.Ok, task);

    /// <summary>A command on a task that does not exist.</summary>
    public static TaskCommandResult NotFound() => new(TaskCommandOutcome.NotFound, null, "No task exists with this id.");

    /// <summary>A command the task's state does not allow.</summary>
    public static TaskCommandResult Conflict(TaskSnapshot task, string reason) => new(TaskCommandOutcome.Conflict, task, reason);
}
