namespace TaskOrchestrator.Tasks.Lifecycle;

/// <summary>What a <see cref="TaskLifecycle"/> transition asks its grain to do next.</summary>
public abstract record TaskDecision
{
    private TaskDecision()
    {
    }

    /// <summary>Nothing to do.</summary>
    public static TaskDecision Nothing { get; } = new None();

    /// <summary>Nothing near: let the activation go; the reminder wakes the task in time.</summary>
    public static TaskDecision Release { get; } = new LetGo();

    /// <summary>A finished task (or a reminder left without one): write the record once more, remove the reminder, let the activation go.</summary>
    public static TaskDecision CleanUp { get; } = new Clean();

    /// <summary>Arm the timer to fire after <paramref name="after"/>.</summary>
    public static TaskDecision ArmTimer(TimeSpan after) => new Arm(after);

    /// <summary>Make attempt <paramref name="attempt"/>: the dispatcher starts its call at <paramref name="dueAt"/>, never before.</summary>
    public static TaskDecision Call(int attempt, DateTimeOffset dueAt) => new MakeCall(attempt, dueAt);

    /// <summary>Store the record (still Running), then arm the timer or let go, and keep the reminder for the retry at <paramref name="at"/>.</summary>
    public static TaskDecision RetryAt(DateTimeOffset at) => new Retry(at);

    /// <summary>Store the record in its final <paramref name="status"/>, tell the observer, remove the reminder, let go.</summary>
    public static TaskDecision Finish(ScheduledTaskStatus status) => new Finished(status);

    /// <summary>The command is refused: answer <paramref name="outcome"/> with <paramref name="reason"/>; nothing changed.</summary>
    public static TaskDecision Refuse(TaskCommandOutcome outcome, string reason) => new Refused(outcome, reason);

    /// <summary>See <see cref="Nothing"/>.</summary>
    public sealed record None : TaskDecision;

    /// <summary>See <see cref="Release"/>.</summary>
    public sealed record LetGo : TaskDecision;

    /// <summary>See <see cref="CleanUp"/>.</summary>
    public sealed record Clean : TaskDecision;

    /// <summary>See <see cref="ArmTimer"/>.</summary>
    /// <param name="After">How long from now.</param>
    public sealed record Arm(TimeSpan After) : TaskDecision;

    /// <summary>See <see cref="Call"/>.</summary>
    /// <param name="Attempt">The attempt's number, 1 for the first.</param>
    /// <param name="DueAt">The instant its call starts.</param>
    public sealed record MakeCall(int Attempt, DateTimeOffset DueAt) : TaskDecision;

    /// <summary>See <see cref="RetryAt"/>.</summary>
    /// <param name="At">When the next attempt is due.</param>
    public sealed record Retry(DateTimeOffset At) : TaskDecision;

    /// <summary>See <see cref="Finish"/>.</summary>
    /// <param name="Status">Completed, Failed or Cancelled.</param>
    public sealed record Finished(ScheduledTaskStatus Status) : TaskDecision;

    /// <summary>See <see cref="Refuse"/>.</summary>
    /// <param name="Outcome">NotFound or Conflict.</param>
    /// <param name="Reason">Why, for the caller.</param>
    public sealed record Refused(TaskCommandOutcome Outcome, string Reason) : TaskDecision;
}
