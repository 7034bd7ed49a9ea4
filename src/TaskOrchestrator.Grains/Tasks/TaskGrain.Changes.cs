using Microsoft.Extensions.Logging;
using TaskOrchestrator.Storage;
using TaskOrchestrator.Tasks.Lifecycle;

namespace TaskOrchestrator.Tasks;

/// <summary>Changes to a task after its creation: its due time and labels (PATCH), and reruns of a finished task.</summary>
public sealed partial class TaskGrain
{
    /// <inheritdoc />
    public async Task<TaskCommandResult> ChangeAsync(TaskChange change, string? owner = null)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (NotFoundFor(owner) is { } notFound)
        {
            return notFound;
        }

        var previous = State.DueAt;
        var dueAt = change.DueTime is { } dueTime ? dueTime.DueAt(State.Definition!.CreatedAt, time.GetUtcNow()) : State.DueAt;
        var decision = _task.Reschedule(dueAt);
        if (decision is TaskDecision.Refused refused)
        {
            return Refusal(refused);
        }

        if (change.Labels is { } labels)
        {
            State.Definition = State.Definition! with { Labels = labels.Count == 0 ? null : labels };
        }

        // Stored before the timer and reminder move: when the write fails, the caller hears so, and the stored time (which
        // the reminder still matches) is what the next activation finds.
        await WriteChangeAsync();
        ApplyTimer(decision);
        if (change.DueTime is not null)
        {
            await _reminder.RegisterAsync(_task.FirstReminderTick(), _scheduling.ReminderPeriod);
            LogRescheduled(previous, State.DueAt);
        }

        return TaskCommandResult.Ok(Snapshot());
    }

    /// <inheritdoc />
    public async Task<TaskRerunResult> RerunAsync(Guid rerunId, DateTimeOffset dueAt, string? owner = null)
    {
        if (NotFoundFor(owner) is not null)
        {
            return TaskRerunResult.NotFound();
        }

        if (!State.Status.IsFinal())
        {
            return new TaskRerunResult(
                TaskCommandOutcome.Conflict, Snapshot(), null, $"The task is {State.Status}; only a Completed, Failed or Cancelled task can be rerun.");
        }

        var id = this.GetPrimaryKey();
        var createdAt = TaskIdMinter.CreatedAt(rerunId);
        var copy = State.Definition! with
        {
            CreatedAt = createdAt,
            DueAt = dueAt < createdAt ? createdAt : dueAt,
            OrchestrationId = null,
            Observer = null,
            ScheduleId = null,
            ScheduledFor = null,
            RerunOf = id,
        };
        var created = await GrainFactory.GetGrain<ITaskGrain>(rerunId).ScheduleAsync(copy);
        if (created.Outcome != TaskCommandOutcome.Ok && created.Task?.RerunOf != id)
        {
            return new TaskRerunResult(TaskCommandOutcome.Conflict, Snapshot(), null, "The id chosen for the rerun is taken by another task.");
        }

        var recorded = State.Reruns?.Contains(rerunId) == true;
        if (!recorded)
        {
            State.AddRerun(rerunId);
            await WriteChangeAsync();
        }

        if (created.Outcome == TaskCommandOutcome.Ok)
        {
            LogRerun(rerunId);
            metrics.TaskRerun();
        }

        return new TaskRerunResult(TaskCommandOutcome.Ok, Snapshot(), created.Task);
    }

    [LoggerMessage(EventId = 1016, Level = LogLevel.Information, Message = "Task rerun as {RerunId}")]
    private partial void LogRerunCore(Guid rerunId);

    private void LogRerun(Guid rerunId)
    {
        using var scope = BeginTaskScope();
        LogRerunCore(rerunId);
    }
}
