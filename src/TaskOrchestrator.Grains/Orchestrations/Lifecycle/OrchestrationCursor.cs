using TaskOrchestrator.Storage;
using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Orchestrations.Lifecycle;

/// <summary>
/// An orchestration's durable cursor as plain state and transitions (no Orleans, no I/O): which step is current, what
/// a finished step task or condition check means for it, and when the orchestration ends. Each transition changes the
/// record (<see cref="OrchestrationGrainState"/>) and returns what the grain does next (<see cref="OrchestrationDecision"/>):
/// store it, then schedule a step's task, start a check, run a fallback, or finish. Every id a next action uses is
/// chosen here, before the record is stored, so doing that action again after a crash finds the same child.
/// </summary>
public sealed partial class OrchestrationCursor(TimeProvider time)
{
    private const string StartedReason = "The orchestration has started and can no longer be changed.";

    /// <summary>The orchestration's record: what is stored.</summary>
    public OrchestrationGrainState State { get; private set; } = new();

    /// <summary>True when an orchestration is held (created here, or loaded).</summary>
    public bool Exists => State.Definition is not null;

    private OrchestrationDefinition Definition => State.Definition ?? throw new InvalidOperationException("No orchestration exists.");

    private OrchestrationStepState Current => State.Current;

    private DateTimeOffset Now => time.GetUtcNow();

    /// <summary>Takes the record this activation found.</summary>
    public void Load(OrchestrationGrainState record) => State = record ?? throw new ArgumentNullException(nameof(record));

    /// <summary>Takes a new orchestration; its first step's task will be <paramref name="firstTaskId"/>. False when one exists.</summary>
    public bool Create(OrchestrationDefinition definition, Guid firstTaskId)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (Exists)
        {
            return false;
        }

        State = new OrchestrationGrainState { Definition = definition, Status = OrchestrationStatus.Scheduled, Steps = [NewStep(firstTaskId, definition.StartAt)] };
        return true;
    }

    /// <summary>A new orchestration could not be stored: forget it (the next activation reads storage).</summary>
    public void Abandon() => State = new OrchestrationGrainState();

    /// <summary>The current step's task, for the orchestration <paramref name="id"/> whose grain is <paramref name="observer"/>.</summary>
    public TaskDefinition StepTask(Guid id, GrainId observer)
    {
        var call = Definition.Steps[State.CurrentIndex];
        return new TaskDefinition(
            Definition.Owner, call.Url, call.Method, call.Headers, call.Body, TaskIdMinter.CreatedAt(Current.TaskId), Current.TaskDueAt, id, observer, call.Delivery);
    }

    /// <summary>The current step's fallback task (POST, no body).</summary>
    public TaskDefinition FallbackTask(Guid id, GrainId observer) => new(
        Definition.Owner, Definition.FallbackFor(State.CurrentIndex)!, "POST", null, null, TaskIdMinter.CreatedAt(Current.FallbackTaskId!.Value),
        Current.FallbackDueAt!.Value, id, observer, Definition.Delivery);

    /// <summary>What the current step's condition check is asked to do.</summary>
    public ConditionCheckRequest CheckRequest(Guid id) =>
        new(id, State.CurrentIndex, Definition.Owner, Definition.CheckFor(State.CurrentIndex)!, Current.CheckFirstAttemptAt!.Value);

    /// <summary>Its start time came: Running (true when that changed anything, for the grain to store with its listing).</summary>
    public bool MarkRunning()
    {
        if (State.Status != OrchestrationStatus.Scheduled)
        {
            return false;
        }

        State.Status = OrchestrationStatus.Running;
        return true;
    }

    /// <summary>
    /// Takes in a finished step or fallback task (told by the task, or found on recovery); repeats and other tasks change
    /// nothing. A step task that completed starts its check or passes the step; one that failed fails the orchestration.
    /// </summary>
    public OrchestrationDecision TakeTaskOutcome(TaskSnapshot task, Func<Guid> mintId)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(mintId);
        var step = Current;
        if (!task.Status.IsFinal())
        {
            return OrchestrationDecision.Nothing;
        }

        if (task.Id == step.FallbackTaskId && step.FallbackStatus is null)
        {
            step.FallbackStatus = task.Status;
            return State.Status.IsFinal()
                ? new OrchestrationDecision(Store: true, ListingChanged: true, OrchestrationNext.CleanUp)
                : Finish(OrchestrationStatus.Failed, OrchestrationFailureReason.ConditionNotMet);
        }

        if (task.Id != step.TaskId || step.TaskStatus is not null)
        {
            return OrchestrationDecision.Nothing;
        }

        step.TaskStatus = task.Status;
        var started = MarkRunning();
        if (State.Status.IsFinal())
        {
            // Cancelled while this call was in flight: record its outcome, run nothing further.
            return new OrchestrationDecision(Store: true, ListingChanged: false, OrchestrationNext.CleanUp);
        }

        switch (task.Status)
        {
            case ScheduledTaskStatus.Completed when Definition.CheckFor(State.CurrentIndex) is { } check:
                step.Status = OrchestrationStepStatus.Checking;
                step.CheckId = mintId();
                step.CheckFirstAttemptAt = (task.FinishedAt ?? Now) + check.Delay;
                return new OrchestrationDecision(Store: true, ListingChanged: started, OrchestrationNext.StartCheck, task.Status);
            case ScheduledTaskStatus.Completed:
                return PassStep(started, mintId) with { StepTaskOutcome = task.Status };
            case ScheduledTaskStatus.Failed:
                step.Status = OrchestrationStepStatus.Failed;
                return Finish(OrchestrationStatus.Failed, OrchestrationFailureReason.TaskFailed) with { StepTaskOutcome = task.Status };
            default:
                // The step's task was cancelled through the task API: the orchestration cannot go on.
                step.Status = OrchestrationStepStatus.Cancelled;
                return Finish(OrchestrationStatus.Cancelled, null) with { StepTaskOutcome = task.Status };
        }
    }

    /// <summary>
    /// Takes in a finished check (told by the check, or found on recovery); repeats and stale checks change nothing. A
    /// check that passed passes the step; one that never did runs the fallback (whose task id is chosen here) or fails.
    /// </summary>
    public OrchestrationDecision TakeCheckOutcome(ConditionCheckSnapshot check, Func<Guid> mintId)
    {
        ArgumentNullException.ThrowIfNull(check);
        ArgumentNullException.ThrowIfNull(mintId);
        var step = Current;
        if (check.Id != step.CheckId || step.Status != OrchestrationStepStatus.Checking
            || check.Status is not (ConditionCheckStatus.Passed or ConditionCheckStatus.NotMet))
        {
            return OrchestrationDecision.Nothing;
        }

        step.CheckAttempts = [.. check.Attempts];
        if (check.Status == ConditionCheckStatus.Passed)
        {
            return PassStep(listingChanged: false, mintId);
        }

        step.Status = OrchestrationStepStatus.ConditionNotMet;
        if (Definition.FallbackFor(State.CurrentIndex) is null)
        {
            return Finish(OrchestrationStatus.Failed, OrchestrationFailureReason.ConditionNotMet);
        }

        // The orchestration ends once the fallback has run.
        step.FallbackTaskId = mintId();
        step.FallbackDueAt = Now;
        return new OrchestrationDecision(Store: true, ListingChanged: false, OrchestrationNext.RunFallback);
    }

    /// <summary>
    /// The first part of a cancellation: what must be stopped first (the current step's task, or its check), or a
    /// refusal. A step task already in flight answers Conflict and finishes; its outcome is recorded when it tells.
    /// </summary>
    public OrchestrationCancel BeginCancel()
    {
        if (State.Status == OrchestrationStatus.Cancelled)
        {
            return OrchestrationCancel.AlreadyCancelled;
        }

        if (State.Status.IsFinal())
        {
            return OrchestrationCancel.Refused($"The orchestration is {State.Status} and can no longer be cancelled.");
        }

        return Current switch
        {
            { Status: OrchestrationStepStatus.Running } step => OrchestrationCancel.StopTask(step.TaskId),
            { Status: OrchestrationStepStatus.Checking, CheckId: { } checkId } => OrchestrationCancel.StopCheck(checkId),
            _ => OrchestrationCancel.StopNothing,
        };
    }

    /// <summary>The current step's task answered the cancellation (a task in flight answers Conflict, and finishes).</summary>
    public void StepTaskStopped(TaskCommandResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        Current.TaskStatus = result.Outcome == TaskCommandOutcome.NotFound ? ScheduledTaskStatus.Cancelled : Final(result.Task);
        Current.Status = OrchestrationStepStatus.Cancelled;
    }

    /// <summary>The current step's check was stopped.</summary>
    public void CheckStopped(ConditionCheckSnapshot? check)
    {
        Current.CheckAttempts = [.. check?.Attempts ?? []];
        Current.Status = OrchestrationStepStatus.Cancelled;
    }

    /// <summary>The last part of a cancellation: the orchestration is Cancelled.</summary>
    public OrchestrationDecision FinishCancel() => Finish(OrchestrationStatus.Cancelled, null);

    /// <summary>
    /// The first part of a change before the start: the changed definition and what the first step's task, the arbiter of
    /// "started", must do (it refuses once running), or a refusal.
    /// </summary>
    public OrchestrationModification PlanModify(OrchestrationChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (State.Status != OrchestrationStatus.Scheduled)
        {
            return OrchestrationModification.Refused(TaskCommandOutcome.Conflict, $"The orchestration is {State.Status} and can no longer be changed.");
        }

        var previous = Definition;

        // Like a task's PATCH, a delay counts from the creation; a start already past means "start now".
        var startAt = change.InitialDelay is { } delay ? Later(previous.CreatedAt + delay, Now) : change.StartAt ?? previous.StartAt;
        var changed = previous with
        {
            StartAt = startAt,
            Steps = change.Steps ?? previous.Steps,
            ConditionCheck = change.ConditionCheck ?? previous.ConditionCheck,
            FallbackUrl = change.FallbackUrl ?? previous.FallbackUrl,
            Delivery = change.Delivery ?? previous.Delivery,
            Labels = change.Labels ?? previous.Labels,
        };
        if (change.MaxCalls is { } limit && OrchestrationWork.MaxCalls(changed) is var calls && calls > limit)
        {
            return OrchestrationModification.Refused(TaskCommandOutcome.Invalid, OrchestrationWork.Refusal(calls, limit));
        }

        var replaceFirst = !SameCall(previous.Steps[0], changed.Steps[0]);
        var first = replaceFirst ? FirstTaskChange.Cancel : changed.StartAt != previous.StartAt ? FirstTaskChange.Reschedule : FirstTaskChange.None;
        return new OrchestrationModification(null, null, changed, first, Current.TaskId);
    }

    /// <summary>
    /// The last part of a change, once the first step's task answered (<paramref name="firstTask"/>, null when it was not
    /// asked): Conflict means the orchestration has started (Running, refused); otherwise the change is taken, and a
    /// replaced first call (or a first task that was never scheduled) is scheduled anew.
    /// </summary>
    public OrchestrationDecision ApplyModify(OrchestrationModification plan, TaskCommandOutcome? firstTask, Func<Guid> mintId, out string? refusal)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(mintId);
        refusal = null;
        if (firstTask == TaskCommandOutcome.Conflict)
        {
            refusal = StartedReason;
            return new OrchestrationDecision(Store: MarkRunning(), ListingChanged: true, OrchestrationNext.Nothing);
        }

        var changed = plan.Definition!;
        State.Definition = changed;
        if (plan.FirstTask == FirstTaskChange.Cancel)
        {
            // A different first call is a different task: the old one was cancelled, a new id is stored, then scheduled.
            State.Steps[0] = NewStep(mintId(), changed.StartAt);
        }
        else
        {
            Current.TaskDueAt = changed.StartAt;
        }

        var schedule = plan.FirstTask == FirstTaskChange.Cancel || firstTask == TaskCommandOutcome.NotFound;
        return new OrchestrationDecision(Store: true, ListingChanged: true, schedule ? OrchestrationNext.ScheduleStep : OrchestrationNext.Nothing);
    }

    /// <summary>
    /// The recovery path, on each reminder tick: what the current step waits for whose outcome may have been missed (a
    /// notification lost with a silo), and so must be reconciled.
    /// </summary>
    public OrchestrationNext Recovery()
    {
        var step = Current;
        if (step.FallbackTaskId is not null && step.FallbackStatus is null)
        {
            return OrchestrationNext.RunFallback;
        }

        if (step.Status == OrchestrationStepStatus.Checking)
        {
            return OrchestrationNext.StartCheck;
        }

        if (step.TaskStatus is null)
        {
            // Cancelled while the step's call was in flight, only its outcome is left to record: read, never schedule.
            return State.Status.IsFinal() ? OrchestrationNext.ReadStepTask : OrchestrationNext.ScheduleStep;
        }

        return OrchestrationNext.Nothing;
    }

    /// <summary>Records what became of a step task that was in flight when the orchestration was cancelled (null: it never existed).</summary>
    public OrchestrationDecision StepTaskRead(TaskSnapshot? task)
    {
        Current.TaskStatus = task is null ? ScheduledTaskStatus.Cancelled : Final(task);
        return Current.TaskStatus is null
            ? OrchestrationDecision.Nothing
            : new OrchestrationDecision(Store: true, ListingChanged: false, OrchestrationNext.CleanUp);
    }

    /// <summary>
    /// The orchestration as it stands, for <paramref name="id"/>; <paramref name="lastSeenStatus"/> gives the last status this
    /// activation saw of a task whose final status is not recorded, and <paramref name="liveAttempts"/> the current
    /// check's attempts read just now.
    /// </summary>
    public OrchestrationSnapshot Snapshot(Guid id, Func<Guid?, ScheduledTaskStatus?> lastSeenStatus, IReadOnlyList<ConditionCheckAttempt>? liveAttempts = null)
    {
        ArgumentNullException.ThrowIfNull(lastSeenStatus);
        var definition = Definition;
        var steps = new OrchestrationStepSnapshot[definition.Steps.Count];
        for (var i = 0; i < steps.Length; i++)
        {
            var call = definition.Steps[i];
            var step = i < State.Steps.Count ? State.Steps[i] : null;
            var status = step is null || (i == 0 && State.Status == OrchestrationStatus.Scheduled) ? OrchestrationStepStatus.Pending : step.Status;
            var taskStatus = step is null ? null : step.TaskStatus ?? lastSeenStatus(step.TaskId);
            var attempts = i == State.CurrentIndex && liveAttempts is not null ? liveAttempts : (IReadOnlyList<ConditionCheckAttempt>?)step?.CheckAttempts ?? [];
            steps[i] = new OrchestrationStepSnapshot(
                i, call.Url, call.Method, status, step?.TaskId, taskStatus, definition.CheckFor(i), [.. attempts],
                definition.FallbackFor(i), step?.FallbackTaskId, step?.FallbackStatus ?? lastSeenStatus(step?.FallbackTaskId));
        }

        return new OrchestrationSnapshot(
            id, definition.Owner, definition.CreatedAt, definition.StartAt, State.Status, State.FailureReason, State.CurrentIndex, State.FinishedAt, steps,
            definition.ScheduleId, definition.ScheduledFor, definition.Labels, State.PreviousRuns is { Count: > 0 } runs ? [.. runs] : null,
            Callback: definition.Callback, CallbackDelivery: State.Callback);
    }

    /// <summary>
    /// Resumes a Failed orchestration from the step that failed: <paramref name="failedStep"/> (that step as the failed run
    /// ended) is kept in <see cref="OrchestrationGrainState.PreviousRuns"/>, and the step starts again with a new task,
    /// due now. Returns the decision (store, then schedule the step), or a refusal unless Failed with nothing in flight.
    /// </summary>
    public (OrchestrationDecision? Decision, string? Refusal) Retry(OrchestrationStepSnapshot failedStep, Func<Guid> mintId)
    {
        ArgumentNullException.ThrowIfNull(failedStep);
        ArgumentNullException.ThrowIfNull(mintId);
        if (State.Status != OrchestrationStatus.Failed)
        {
            return (null, $"The orchestration is {State.Status}; only a Failed orchestration can be retried.");
        }

        if (!State.IsSettled)
        {
            return (null, "The failed step's fallback call is still in flight; retry once it has finished.");
        }

        State.AddPreviousRun(new OrchestrationPreviousRun(State.FinishedAt ?? Now, State.FailureReason ?? OrchestrationFailureReason.TaskFailed, Now, failedStep));
        State.Steps[^1] = NewStep(mintId(), Now);
        State.Status = OrchestrationStatus.Running;
        State.FailureReason = null;
        State.FinishedAt = null;
        CallbackForgotten();
        return (new OrchestrationDecision(Store: true, ListingChanged: true, OrchestrationNext.ScheduleStep), null);
    }

    private OrchestrationDecision PassStep(bool listingChanged, Func<Guid> mintId)
    {
        Current.Status = OrchestrationStepStatus.Passed;
        if (State.CurrentIndex == Definition.Steps.Count - 1)
        {
            return Finish(OrchestrationStatus.Completed, null);
        }

        // Due now: the next call starts as soon as this write is stored (the task grain arms its timer at once).
        State.Steps.Add(NewStep(mintId(), Now));
        return new OrchestrationDecision(Store: true, listingChanged, OrchestrationNext.ScheduleStep);
    }

    private OrchestrationDecision Finish(OrchestrationStatus status, OrchestrationFailureReason? reason)
    {
        State.Status = status;
        State.FailureReason = reason;
        State.FinishedAt = Now;
        OweCallback();
        return new OrchestrationDecision(Store: true, ListingChanged: true, OrchestrationNext.Finished);
    }

    private static OrchestrationStepState NewStep(Guid taskId, DateTimeOffset dueAt) => new() { TaskId = taskId, TaskDueAt = dueAt };

    private static ScheduledTaskStatus? Final(TaskSnapshot? task) => task?.Status.IsFinal() == true ? task.Status : null;

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static bool SameCall(OrchestrationStepDefinition a, OrchestrationStepDefinition b) =>
        a.Url == b.Url && a.Method == b.Method && a.Body == b.Body
        && (a.Headers ?? new Dictionary<string, string>()).OrderBy(h => h.Key, StringComparer.Ordinal)
            .SequenceEqual((b.Headers ?? new Dictionary<string, string>()).OrderBy(h => h.Key, StringComparer.Ordinal));
}
