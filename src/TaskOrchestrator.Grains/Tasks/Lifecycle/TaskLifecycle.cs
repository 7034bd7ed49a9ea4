using TaskOrchestrator.Callbacks;

namespace TaskOrchestrator.Tasks.Lifecycle;

/// <summary>
/// The life of one task, as plain state and transitions: no Orleans, no I/O. Each transition changes the task's record
/// (<see cref="TaskGrainState"/>) and returns what its grain must do next (<see cref="TaskDecision"/>); the grain
/// keeps only the timer, the reminder, the writes and the call. Everything that decides whether a command is allowed,
/// when the timer fires, whether a failed attempt is retried and when a task is finished lives here.
/// </summary>
/// <remarks>
/// The record keeps the status the API shows (<see cref="ScheduledTaskStatus"/>); the finer <see cref="Phase"/> adds what
/// only this activation knows: whether an attempt is being handed to the dispatcher or is in flight, and whether a
/// <c>Running</c> task found in storage was interrupted by the death of the activation that ran it.
/// </remarks>
public sealed class TaskLifecycle(TaskSchedulingOptions options, TimeProvider time)
{
    /// <summary>The longest <c>Retry-After</c> honoured: a target asking for more is retried after this long.</summary>
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromHours(24);

    /// <summary>How much earlier than asked a grain timer may fire and still be taken as on time.</summary>
    public static readonly TimeSpan TimerSlack = TimeSpan.FromMilliseconds(10);

    /// <summary>The error an attempt shows when the activation making it went away before it finished.</summary>
    public const string InterruptedError = "Interrupted: the silo making this attempt stopped before it finished; the next attempt was made at once.";

    private AttemptStage _attempt;

    /// <summary>The task's record: what is stored.</summary>
    public TaskGrainState State { get; private set; } = new();

    /// <summary>How long a finished task is kept when its definition sets no retention (<c>TaskOrchestrator:Retention:Finished</c>).</summary>
    public TimeSpan DefaultRetention { get; init; } = TimeSpan.FromDays(7);

    /// <summary>True once the record is known to be in storage (read at activation, or written).</summary>
    public bool IsStored { get; private set; }

    /// <summary>Where the task is.</summary>
    public TaskPhase Phase => State.Definition is null ? TaskPhase.None : State.Status switch
    {
        ScheduledTaskStatus.Scheduled => TaskPhase.Scheduled,
        ScheduledTaskStatus.Running when _attempt == AttemptStage.Dispatching => TaskPhase.Dispatching,
        ScheduledTaskStatus.Running when _attempt == AttemptStage.InFlight => TaskPhase.InFlight,
        ScheduledTaskStatus.Running when State.NextAttemptAt is not null => TaskPhase.AwaitingRetry,
        ScheduledTaskStatus.Running => TaskPhase.Interrupted,
        ScheduledTaskStatus.Completed => TaskPhase.Completed,
        ScheduledTaskStatus.Failed => TaskPhase.Failed,
        _ => TaskPhase.Cancelled,
    };

    /// <summary>True while an attempt is being handed to the dispatcher or is in flight.</summary>
    public bool AttemptInFlight => _attempt != AttemptStage.None;

    /// <summary>
    /// What the timer works towards: the due time, the next retry, or now for an attempt a silo's death interrupted.
    /// </summary>
    public DateTimeOffset NextCallAt => State.Status == ScheduledTaskStatus.Scheduled ? State.DueAt : State.NextAttemptAt ?? Now;

    private DateTimeOffset Now => time.GetUtcNow();

    /// <summary>
    /// Takes the record this activation found (<paramref name="stored"/> false: none). A task found <c>Running</c> with no
    /// retry pending was in flight on an activation that is gone: its last attempt is marked interrupted, and the
    /// returned decision calls it again at once. Otherwise the timer is armed when the task is near.
    /// </summary>
    public TaskDecision Load(TaskGrainState record, bool stored)
    {
        ArgumentNullException.ThrowIfNull(record);
        State = record;
        IsStored = stored && record.Definition is not null;
        _attempt = AttemptStage.None;
        if (!IsStored)
        {
            return TaskDecision.Nothing;
        }

        if (Phase == TaskPhase.Interrupted)
        {
            State.UpdateLastAttempt(a => a.FinishedAt is null && a.Error is null ? a with { Error = InterruptedError } : a);
            return TaskDecision.ArmTimer(TimeSpan.Zero);
        }

        return State.Status.IsFinal() || NextCallAt - Now > options.ActivationWindow ? TaskDecision.Nothing : ArmForNextCall();
    }

    /// <summary>
    /// Takes a new task (<see cref="TaskCommandOutcome.Conflict"/> when this id already holds one). The record is set
    /// but not stored: the grain registers the reminder, stores it, and then calls <see cref="Stored"/>.
    /// </summary>
    public TaskCommandOutcome Schedule(TaskDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (IsStored || State.Definition is not null)
        {
            return TaskCommandOutcome.Conflict;
        }

        State = new TaskGrainState { Definition = definition, Status = ScheduledTaskStatus.Scheduled, DueAt = definition.DueAt };
        return TaskCommandOutcome.Ok;
    }

    /// <summary>
    /// The new task's record is stored: the timer may be armed now (not before: a timer armed during the writes could
    /// call the target for a task whose creation then failed). Returns the timer to arm, or <see cref="TaskDecision.Release"/>.
    /// </summary>
    public TaskDecision Stored()
    {
        IsStored = true;
        return Plan();
    }

    /// <summary>A new task could not be stored: forget it (its write may have landed; the next activation reads storage).</summary>
    public void Abandon()
    {
        State = new TaskGrainState();
        IsStored = false;
        _attempt = AttemptStage.None;
    }

    /// <summary>
    /// Cancels the task while nothing is in flight: while scheduled, or between a failed attempt and its retry. Returns
    /// <see cref="TaskDecision.Finish"/> (store, tell the observer, remove the reminder), nothing for one already
    /// cancelled, or a refusal.
    /// </summary>
    public TaskDecision Cancel()
    {
        switch (Phase)
        {
            case TaskPhase.None:
                return TaskDecision.Refuse(TaskCommandOutcome.NotFound, "No task exists with this id.");
            case TaskPhase.Cancelled:
                return TaskDecision.Nothing;
            case TaskPhase.Scheduled or TaskPhase.AwaitingRetry when IsStored:
                State.Status = ScheduledTaskStatus.Cancelled;
                State.NextAttemptAt = null;
                State.FinishedAt = Now;
                Ended();
                return TaskDecision.Finish(ScheduledTaskStatus.Cancelled);
            default:
                return TaskDecision.Refuse(TaskCommandOutcome.Conflict, $"The task is {State.Status} and can no longer be cancelled.");
        }
    }

    /// <summary>
    /// Moves the due time of a scheduled task. Returns the timer to arm (or <see cref="TaskDecision.Release"/>) once the
    /// grain has stored the change, or a refusal.
    /// </summary>
    public TaskDecision Reschedule(DateTimeOffset dueAt)
    {
        if (Phase == TaskPhase.None || !IsStored)
        {
            return TaskDecision.Refuse(TaskCommandOutcome.NotFound, "No task exists with this id.");
        }

        if (Phase != TaskPhase.Scheduled)
        {
            return TaskDecision.Refuse(TaskCommandOutcome.Conflict, $"The task is {State.Status} and can no longer be changed.");
        }

        State.DueAt = dueAt;
        return Plan();
    }

    /// <summary>
    /// The timer fired. Armed a little before the due time (the dispatcher waits out the rest), it is armed again when it
    /// came much earlier than that (the task was rescheduled meanwhile, or the timer fired early); otherwise the next
    /// attempt starts (<see cref="TaskDecision.Call"/>).
    /// </summary>
    public TaskDecision OnTimer()
    {
        if (AttemptInFlight || State.Definition is null || State.Status.IsFinal())
        {
            return TaskDecision.Nothing;
        }

        return NextCallAt - Now > options.DispatchLead + TimerSlack ? ArmForNextCall() : StartAttempt();
    }

    /// <summary>The attempt's call started (the dispatcher's instant): the task is in flight.</summary>
    public void CallStarted(DateTimeOffset startedAt)
    {
        _attempt = AttemptStage.InFlight;
        if (State.AttemptsStarted == 1)
        {
            State.StartedAt = startedAt;
        }

        State.UpdateLastAttempt(a => a with { StartedAt = startedAt });
    }

    /// <summary>
    /// The attempt's call ended with <paramref name="response"/>: either the next attempt waits
    /// (<see cref="TaskDecision.RetryAt"/>; <paramref name="random"/> in [0, 1) applies the policy's jitter) or the task
    /// is finished (<see cref="TaskDecision.Finish"/>). The record changes; the grain stores it.
    /// </summary>
    public TaskDecision CallFinished(TaskResponse response, double random)
    {
        ArgumentNullException.ThrowIfNull(response);
        _attempt = AttemptStage.None;
        var finishedAt = Now;
        State.FinishedAttempts++;
        State.UpdateLastAttempt(a => a with { FinishedAt = finishedAt, StatusCode = response.StatusCode, Error = response.Error });
        State.Response = response;
        if (RetryDelay(response, random) is { } delay)
        {
            // Still Running: the next attempt is due after the pause, and the reminder brings it back wherever this activation is by then.
            State.NextAttemptAt = finishedAt + delay;
            return TaskDecision.RetryAt(State.NextAttemptAt.Value);
        }

        State.Status = response.IsSuccess ? ScheduledTaskStatus.Completed : ScheduledTaskStatus.Failed;
        State.FinishedAt = finishedAt;
        Ended();
        return TaskDecision.Finish(State.Status);
    }

    /// <summary>
    /// The attempt could not be made at all (the dispatcher abandoned it as its silo stopped): it stays started but
    /// unfinished, as a silo's death leaves it, and the next activation makes it again.
    /// </summary>
    public void CallAbandoned() => _attempt = AttemptStage.None;

    /// <summary>
    /// A reminder tick. A task with a write or an attempt in flight is left alone: whoever started it finishes what
    /// follows (removing the reminder before that write is known to succeed could leave the task with none). A finished
    /// task (or none at all) has a clean-up left to do; otherwise the timer, lost with an earlier activation, is armed.
    /// </summary>
    public TaskDecision OnReminder(bool writeInFlight, bool timerArmed)
    {
        if (AttemptInFlight || writeInFlight)
        {
            return TaskDecision.Nothing;
        }

        if (!IsStored || State.Status.IsFinal())
        {
            return TaskDecision.CleanUp;
        }

        if (timerArmed)
        {
            return TaskDecision.Nothing;
        }

        return Phase == TaskPhase.Interrupted ? TaskDecision.ArmTimer(TimeSpan.Zero) : ArmForNextCall();
    }

    /// <summary>After a change, what the timer should do: armed when the task is near, otherwise the activation may go.</summary>
    public TaskDecision Plan() =>
        !State.Status.IsFinal() && NextCallAt - Now <= options.ActivationWindow ? ArmForNextCall() : TaskDecision.Release;

    /// <summary>
    /// Storage refused the record for its size: it is made smaller (see <see cref="TaskGrainState.Compact"/>) so it can
    /// be written again. A task that was still running or waiting for a retry ends Failed.
    /// </summary>
    public void Compact()
    {
        var wasFinal = State.Status.IsFinal();
        State.Compact(Now);
        if (!wasFinal)
        {
            Ended();
        }
    }

    /// <summary>
    /// True while the task is finished and its completion callback is owed: its reminder stays (so a callback owed when its
    /// silo dies is delivered after all) and it is not removed by the retention sweep.
    /// </summary>
    public bool CallbackOwed => State.Status.IsFinal() && State.Callback is { Status: CallbackStatus.Pending };

    /// <summary>How long until the owed callback's next attempt is due (zero when due now).</summary>
    public TimeSpan UntilCallbackDue() => State.Callback?.NextAttemptAt is { } at && at > Now ? at - Now : TimeSpan.Zero;

    /// <summary>A callback attempt starts: returns its number (1 for the first).</summary>
    public int CallbackAttemptStarting() => (State.Callback?.Attempts ?? 0) + 1;

    /// <summary>
    /// A callback attempt ended with <paramref name="response"/>: Delivered on 2xx; otherwise Pending again after
    /// <paramref name="policy"/>'s backoff when it retries that failure and allows another attempt, else Failed for good.
    /// The task's own status never changes. Returns the delivery's new status.
    /// </summary>
    public CallbackStatus CallbackFinished(TaskResponse response, RetryPolicy policy, double random)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(policy);
        var delivery = State.Callback ?? throw new InvalidOperationException("No callback is owed.");
        delivery = CallbackAttempts.After(delivery, response, policy, random, Now, MaxRetryAfter);
        State.Callback = delivery;
        return delivery.Status;
    }

    /// <summary>
    /// True when the finished task may be removed at <see cref="Now"/>: it is past its <see cref="TaskGrainState.ExpiresAt"/>
    /// and owes no callback. A task that is not finished is never removed; a task of an orchestration only with it.
    /// </summary>
    public bool IsExpired => IsStored && State.Status.IsFinal() && State.ExpiresAt is { } at && at <= Now && !CallbackOwed && State.Definition?.OrchestrationId is null;

    /// <summary>When the reminder first ticks for what this task waits for (see <see cref="TaskSchedulingOptions.FirstReminderTick"/>).</summary>
    public TimeSpan FirstReminderTick() => options.FirstReminderTick(NextCallAt - Now);

    /// <summary>The outcome a callback names for a final status.</summary>
    public static string OutcomeOf(ScheduledTaskStatus status) => status switch
    {
        ScheduledTaskStatus.Completed => CompletionCallback.Completed,
        ScheduledTaskStatus.Failed => CompletionCallback.Failed,
        _ => CompletionCallback.Cancelled,
    };

    /// <summary>
    /// The task just reached its final status: it expires its retention after it finished, and a callback that reports
    /// this ending is owed, its first attempt due at once. Both are stored by the same write as the final status.
    /// </summary>
    private void Ended()
    {
        var finishedAt = State.FinishedAt ?? Now;

        // A step, check or fallback task goes with its orchestration (its history is the orchestration's), never before.
        State.ExpiresAt = State.Definition?.OrchestrationId is null ? finishedAt + (State.Definition?.Retention ?? DefaultRetention) : null;
        var outcome = OutcomeOf(State.Status);
        if (State.Callback is null && State.Definition?.Callback is { } callback && callback.Reports(outcome))
        {
            State.Callback = CallbackDelivery.Owed(outcome, finishedAt);
        }
    }

    /// <summary>How long to wait before the next attempt, or null when <paramref name="response"/> ends the task.</summary>
    private TimeSpan? RetryDelay(TaskResponse response, double random)
    {
        if (State.Definition?.Delivery?.Retry is not { } policy || !policy.Retries(response) || State.FinishedAttempts >= policy.MaxAttempts)
        {
            return null;
        }

        var retryAfter = response.RetryAfter is { } asked && asked > MaxRetryAfter ? MaxRetryAfter : response.RetryAfter;
        return policy.DelayAfter(State.FinishedAttempts, random, retryAfter);
    }

    private TaskDecision StartAttempt()
    {
        var dueAt = NextCallAt;
        _attempt = AttemptStage.Dispatching;
        State.Status = ScheduledTaskStatus.Running;
        State.NextAttemptAt = null;
        var number = ++State.AttemptsStarted;

        // The dispatcher never starts the call before the due time; the exact start replaces this once known.
        var estimate = dueAt > Now ? dueAt : Now;
        State.StartedAt ??= estimate;
        State.AddAttempt(new TaskAttempt(number, estimate, null, null, null));
        return TaskDecision.Call(number, dueAt);
    }

    /// <summary>
    /// The timer armed <see cref="TaskSchedulingOptions.DispatchLead"/> before <see cref="NextCallAt"/>, in whole
    /// milliseconds and never negative (a due time between -1 and -2 ms would be read as infinite: never).
    /// </summary>
    private TaskDecision ArmForNextCall()
    {
        var remaining = NextCallAt - options.DispatchLead - Now;
        return TaskDecision.ArmTimer(remaining <= TimeSpan.Zero ? TimeSpan.Zero : TimeSpan.FromMilliseconds(Math.Floor(remaining.TotalMilliseconds)));
    }

    private enum AttemptStage
    {
        None,
        Dispatching,
        InFlight,
    }
}
