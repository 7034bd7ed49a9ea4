using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Orchestrations;

/// <summary>The outcome of a command on an orchestration and the orchestration as it stands afterwards.</summary>
/// <param name="Outcome">Whether the command took effect (the same outcomes as task commands).</param>
/// <param name="Orchestration">The orchestration after the command, or null when it does not exist.</param>
/// <param name="Reason">Why the command was refused, for the caller to show.</param>
[GenerateSerializer, Immutable, Alias("TaskOrchestrator.OrchestrationCommandResult")]
public sealed record OrchestrationCommandResult(
    [property: Id(0)] TaskCommandOutcome Outcome,
    [property: Id(1)] OrchestrationSnapshot? Orchestration,
    [property: Id(2)] string? Reason = null)
{
    /// <summary>A command that took effect.</summary>
    public static OrchestrationCommandResult Ok(OrchestrationSnapshot orchestration) => new(TaskCommandOutcome.Ok, orchestration);

    /// <summary>A command on an orchestration that does not exist.</summary>
    public static OrchestrationCommandResult NotFound() => new(TaskCommandOutcome.NotFound, null, "No orchestration exists with this id.");

    /// <summary>A command the orchestration's state does not allow.</summary>
    public static OrchestrationCommandResult Conflict(OrchestrationSnapshot orchestration, string reason) =>
        new(TaskCommandOutcome.Conflict, orchestration, reason);

    /// <summary>A command refused because what it asks for breaks a limit; the orchestration is unchanged.</summary>
    public static OrchestrationCommandResult Invalid(OrchestrationSnapshot orchestration, string reason) =>
        new(TaskCommandOutcome.Invalid, orchestration, reason);
}
