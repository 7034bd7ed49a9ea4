using TaskOrchestrator.Storage;
using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Orchestrations.Lifecycle;

/// <summary>
/// The life of one condition check as plain state and transitions (no Orleans, no I/O): which attempt is current,
/// whether an attempt's outcome passes, and when the check ends. Its grain stores the record, schedules and cancels
/// the attempt tasks, and tells the orchestration. Each attempt's task id is chosen (and must be stored) before the
/// attempt is scheduled, so a check started again after a crash finds that same attempt.
/// </summary>
public sealed class ConditionCheckLifecycle(TimeProvider time)
{
    /// <summary>The check's record: what is stored.</summary>
    public ConditionCheckGrainState State { get; private set; } = new();

    /// <summary>True once the check started.</summary>
    public bool Started => State.Request is not null;

    /// <summary>True while an attempt is scheduled or running.</summary>
    public bool Checking => Started && State.Status == ConditionCheckStatus.Checking;

    /// <summary>Takes the record this activation found.</summary>
    public void Load(ConditionCheckGrainState record) => State = record ?? throw new ArgumentNullException(nameof(record));

    /// <summary>
    /// Starts the check, unless it started already (the orchestration calls again to recover): returns true when the
    /// record is new and must be stored before its first attempt, whose id <paramref name="mintAttemptId"/> gives, is scheduled.
    /// </summary>
    public bool Start(ConditionCheckRequest request, Func<Guid> mintAttemptId)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(mintAttemptId);
        if (Started)
        {
            return false;
        }

        State = new ConditionCheckGrainState
        {
            Request = request,
            Status = ConditionCheckStatus.Checking,
            AttemptTaskId = mintAttemptId(),
            AttemptDueAt = request.FirstAttemptAt,
        };
        return true;
    }

    /// <summary>The current attempt's task, for <paramref name="check"/> (the grain to tell when it finishes).</summary>
    public TaskDefinition AttemptTask(GrainId check)
    {
        var request = State.Request ?? throw new InvalidOperationException("The check has not started.");
        var id = State.AttemptTaskId ?? throw new InvalidOperationException("The check has no attempt in progress.");
        return new TaskDefinition(
            request.Owner, request.Check.Url, request.Check.Method, null, null, TaskIdMinter.CreatedAt(id), State.AttemptDueAt,
            request.OrchestrationId, check, request.Check.Delivery);
    }

    /// <summary>True when <paramref name="task"/> is the current attempt and has finished: its outcome is to be taken.</summary>
    public bool Awaits(TaskSnapshot task) =>
        Checking && task is not null && task.Id == State.AttemptTaskId && task.Status.IsFinal();

    /// <summary>
    /// Takes the finished current attempt: the check passes (2xx, body not the JSON literal <c>false</c>) or runs out of
    /// retries, and ends (true: store, then tell the orchestration); or the next attempt, whose id
    /// <paramref name="mintAttemptId"/> gives, is due after the retry delay (false: store, then schedule it).
    /// </summary>
    public bool TakeOutcome(TaskSnapshot attempt, Func<Guid> mintAttemptId, out bool passed)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        ArgumentNullException.ThrowIfNull(mintAttemptId);
        var request = State.Request ?? throw new InvalidOperationException("The check has not started.");
        passed = attempt.Status == ScheduledTaskStatus.Completed && !IsJsonFalse(attempt.Response?.Body);
        State.Attempts.Add(new ConditionCheckAttempt(attempt.Id, attempt.StartedAt, attempt.Response?.StatusCode, passed));
        if (passed || State.Attempts.Count > request.Check.Retries)
        {
            State.Status = passed ? ConditionCheckStatus.Passed : ConditionCheckStatus.NotMet;
            State.AttemptTaskId = null;
            return true;
        }

        State.AttemptTaskId = mintAttemptId();
        State.AttemptDueAt = (attempt.FinishedAt ?? time.GetUtcNow()) + request.Check.RetryDelay;
        return false;
    }

    /// <summary>The attempt a cancellation stops first (a pending one is cancelled; one in flight finishes and counts for nothing).</summary>
    public Guid? AttemptToCancel => Checking ? State.AttemptTaskId : null;

    /// <summary>Stops the check (after its attempt was told): false when there was nothing to stop.</summary>
    public bool Cancel()
    {
        if (!Checking)
        {
            return false;
        }

        State.Status = ConditionCheckStatus.Cancelled;
        State.AttemptTaskId = null;
        return true;
    }

    /// <summary>The check as it stands, for <paramref name="id"/> (its grain key).</summary>
    public ConditionCheckSnapshot Snapshot(Guid id)
    {
        var request = State.Request ?? throw new InvalidOperationException("The check has not started.");
        return new ConditionCheckSnapshot(id, request.OrchestrationId, request.Step, State.Status, [.. State.Attempts]);
    }

    // A check passes on 2xx unless the body is the JSON literal false (surrounding JSON whitespace allowed).
    private static bool IsJsonFalse(string? body) => body is not null && body.AsSpan().Trim(" \t\r\n").SequenceEqual("false");
}
