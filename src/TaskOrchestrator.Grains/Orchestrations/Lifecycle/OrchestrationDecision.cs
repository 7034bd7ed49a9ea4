using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Orchestrations.Lifecycle;

/// <summary>What an orchestration grain does after a transition of its <see cref="OrchestrationCursor"/>.</summary>
public enum OrchestrationNext
{
    /// <summary>Nothing more.</summary>
    Nothing,

    /// <summary>Make sure the current step's task is scheduled (it may exist already), and take it in if it finished.</summary>
    ScheduleStep,

    /// <summary>Start (or reconcile with) the current step's condition check, and take it in if it finished.</summary>
    StartCheck,

    /// <summary>Make sure the current step's fallback task is scheduled, and take it in if it finished.</summary>
    RunFallback,

    /// <summary>Read the current step's task (cancelled while its call was in flight) to record its outcome.</summary>
    ReadStepTask,

    /// <summary>The orchestration just reached a final status: log it, count it, and clean up once nothing is in flight.</summary>
    Finished,

    /// <summary>Clean up (remove the reminder) if nothing is in flight any more.</summary>
    CleanUp,
}

/// <summary>Store the record (and its listing rows when its status changed), then do <paramref name="Next"/>.</summary>
/// <param name="Store">Whether the record changed and must be written.</param>
/// <param name="ListingChanged">Whether the listing rows must be written too.</param>
/// <param name="Next">What follows the write.</param>
/// <param name="StepTaskOutcome">When the current step's task was taken in: its final status (for the log).</param>
public readonly record struct OrchestrationDecision(bool Store, bool ListingChanged, OrchestrationNext Next, ScheduledTaskStatus? StepTaskOutcome = null)
{
    /// <summary>Nothing changed and nothing follows.</summary>
    public static OrchestrationDecision Nothing => default;
}

/// <summary>What a cancellation must stop first.</summary>
/// <param name="Refusal">Why it is refused (a finished orchestration), or null.</param>
/// <param name="Done">True when the orchestration was cancelled already: nothing to do.</param>
/// <param name="StepTask">The current step's task, to cancel.</param>
/// <param name="Check">The current step's condition check, to cancel.</param>
public sealed record OrchestrationCancel(string? Refusal, bool Done, Guid? StepTask, Guid? Check)
{
    /// <summary>Cancelled already.</summary>
    public static OrchestrationCancel AlreadyCancelled { get; } = new(null, true, null, null);

    /// <summary>Nothing in flight to stop.</summary>
    public static OrchestrationCancel StopNothing { get; } = new(null, false, null, null);

    /// <summary>Refused, for <paramref name="reason"/>.</summary>
    public static OrchestrationCancel Refused(string reason) => new(reason, false, null, null);

    /// <summary>Cancel the step's task <paramref name="id"/> first.</summary>
    public static OrchestrationCancel StopTask(Guid id) => new(null, false, id, null);

    /// <summary>Cancel the step's check <paramref name="id"/> first.</summary>
    public static OrchestrationCancel StopCheck(Guid id) => new(null, false, null, id);
}

/// <summary>What a change before the start asks of the first step's task.</summary>
public enum FirstTaskChange
{
    /// <summary>Nothing: its call and time stay.</summary>
    None,

    /// <summary>Its call changed: cancel it (a new task replaces it).</summary>
    Cancel,

    /// <summary>Its time changed: reschedule it.</summary>
    Reschedule,
}

/// <summary>A planned change before the start, or its refusal.</summary>
/// <param name="RefusedAs">How it is refused (Conflict or Invalid), or null.</param>
/// <param name="Refusal">Why.</param>
/// <param name="Definition">The definition as changed.</param>
/// <param name="FirstTask">What the first step's task must do.</param>
/// <param name="FirstTaskId">The first step's task.</param>
public sealed record OrchestrationModification(
    TaskCommandOutcome? RefusedAs, string? Refusal, OrchestrationDefinition? Definition, FirstTaskChange FirstTask, Guid FirstTaskId)
{
    /// <summary>A refused change.</summary>
    public static OrchestrationModification Refused(TaskCommandOutcome outcome, string reason) => new(outcome, reason, null, FirstTaskChange.None, Guid.Empty);
}
