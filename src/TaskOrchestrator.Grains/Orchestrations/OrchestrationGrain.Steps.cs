using TaskOrchestrator.Quotas;
using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Orchestrations;

/// <summary>How <see cref="OrchestrationGrain"/> moves from step to step, and how it recovers.</summary>
public sealed partial class OrchestrationGrain
{
    /// <summary>Takes in a finished step or fallback task (told by the task, or found on recovery). Repeats are ignored.</summary>
    private async Task TakeTaskOutcomeAsync(TaskSnapshot task)
    {
        var step = State.Current;
        if (!task.Status.IsFinal())
        {
            return;
        }

        if (task.Id == step.FallbackTaskId && step.FallbackStatus is null)
        {
            step.FallbackStatus = task.Status;
            if (!State.Status.IsFinal())
            {
                Finish(OrchestrationStatus.Failed, OrchestrationFailureReason.ConditionNotMet);
            }

            await SaveAsync(indexChanged: true);
            await CleanUpIfSettledAsync();
            return;
        }

        if (task.Id != step.TaskId || step.TaskStatus is not null)
        {
            return;
        }

        step.TaskStatus = task.Status;
        var wasScheduled = State.Status == OrchestrationStatus.Scheduled;
        if (wasScheduled)
        {
            State.Status = OrchestrationStatus.Running;
        }

        if (State.Status.IsFinal())
        {
            // Cancelled while this call was in flight: record its outcome, run nothing further.
            await SaveAsync();
            await CleanUpIfSettledAsync();
            return;
        }

        LogStepTaskFinished(State.CurrentIndex, task.Status);
        switch (task.Status)
        {
            case ScheduledTaskStatus.Completed when Definition.CheckFor(State.CurrentIndex) is { } check:
                // The check's key and first due time are stored before the check starts; starting it again is a no-op.
                step.Status = OrchestrationStepStatus.Checking;
                step.CheckId = Guid.CreateVersion7(Now);
                step.CheckFirstAttemptAt = (task.FinishedAt ?? Now) + check.Delay;
                await SaveAsync(indexChanged: wasScheduled);
                await StartCheckAsync();
                break;
            case ScheduledTaskStatus.Completed:
                await PassStepAsync(indexChanged: wasScheduled);
                break;
            case ScheduledTaskStatus.Failed:
                step.Status = OrchestrationStepStatus.Failed;
                Finish(OrchestrationStatus.Failed, OrchestrationFailureReason.TaskFailed);
                await SaveAsync(indexChanged: true);
                await CleanUpIfSettledAsync();
                break;
            default:
                // The step's task was cancelled through the task API: the orchestration cannot go on.
                step.Status = OrchestrationStepStatus.Cancelled;
                Finish(OrchestrationStatus.Cancelled, null);
                await SaveAsync(indexChanged: true);
                await CleanUpIfSettledAsync();
                break;
        }
    }

    /// <summary>Takes in a finished check (told by the check grain, or found on recovery). Repeats and stale checks are ignored.</summary>
    private async Task TakeCheckOutcomeAsync(ConditionCheckSnapshot check)
    {
        var step = State.Current;
        if (check.Id != step.CheckId || step.Status != OrchestrationStepStatus.Checking
            || check.Status is not (ConditionCheckStatus.Passed or ConditionCheckStatus.NotMet))
        {
            return;
        }

        step.CheckAttempts = [.. check.Attempts];
        if (check.Status == ConditionCheckStatus.Passed)
        {
            await PassStepAsync(indexChanged: false);
            return;
        }

        step.Status = OrchestrationStepStatus.ConditionNotMet;
        if (Definition.FallbackFor(State.CurrentIndex) is null)
        {
            Finish(OrchestrationStatus.Failed, OrchestrationFailureReason.ConditionNotMet);
            await SaveAsync(indexChanged: true);
            await CleanUpIfSettledAsync();
            return;
        }

        // The orchestration ends once the fallback has run; its id is stored before it is scheduled.
        step.FallbackTaskId = ids.Mint(Now);
        step.FallbackDueAt = Now;
        await SaveAsync();
        if (await EnsureTaskAsync(step.FallbackTaskId.Value, FallbackTask(step)) is { } finished)
        {
            await TakeTaskOutcomeAsync(finished);
        }
    }

    /// <summary>The current step passed: the orchestration completes, or the next step's task id is stored and the task scheduled.</summary>
    private async Task PassStepAsync(bool indexChanged)
    {
        State.Current.Status = OrchestrationStepStatus.Passed;
        if (State.CurrentIndex == Definition.Steps.Count - 1)
        {
            Finish(OrchestrationStatus.Completed, null);
            await SaveAsync(indexChanged: true);
            await CleanUpIfSettledAsync();
            return;
        }

        // Due now: the next call starts as soon as this write is stored (the task grain arms its timer at once).
        State.Steps.Add(NewStep(Now));
        await SaveAsync(indexChanged);
        await ScheduleCurrentTaskAsync();
    }

    /// <summary>Schedules the current step's task (or finds it scheduled already) and takes it in if it already finished.</summary>
    private async Task ScheduleCurrentTaskAsync()
    {
        var index = State.CurrentIndex;
        var step = State.Current;
        var call = Definition.Steps[index];
        var task = new TaskDefinition(
            Definition.Owner, call.Url, call.Method, call.Headers, call.Body, IdTime.CreatedAt(step.TaskId), step.TaskDueAt, this.GetPrimaryKey(), this.GetGrainId(),
            call.Delivery);
        try
        {
            if (await EnsureTaskAsync(step.TaskId, task) is { } finished)
            {
                await TakeTaskOutcomeAsync(finished);
            }
        }
        catch (Exception e) when (!_stateUncertain)
        {
            // The step's id is stored: the reminder schedules the same task again shortly.
            LogRecoveryDeferred(index, e);
        }
    }

    /// <summary>Starts (or, on recovery, reconciles) the current step's condition check.</summary>
    private async Task StartCheckAsync()
    {
        if (_stateUncertain)
        {
            return;
        }

        var step = State.Current;
        var request = new ConditionCheckRequest(this.GetPrimaryKey(), State.CurrentIndex, Definition.Owner, Definition.CheckFor(State.CurrentIndex)!, step.CheckFirstAttemptAt!.Value);
        var check = await GrainFactory.GetGrain<IConditionCheckGrain>(step.CheckId!.Value).StartAsync(request);
        await TakeCheckOutcomeAsync(check);
    }

    /// <summary>
    /// The recovery path, on each reminder tick: finds the outcome of whatever the current step waits for (a task or a
    /// check whose notification was lost with a silo), and makes sure what should be scheduled is.
    /// </summary>
    private async Task RecoverAsync()
    {
        var step = State.Current;
        try
        {
            if (step.FallbackTaskId is { } fallbackId && step.FallbackStatus is null)
            {
                if (await EnsureTaskAsync(fallbackId, FallbackTask(step)) is { } fallback)
                {
                    await TakeTaskOutcomeAsync(fallback);
                }
            }
            else if (step.Status == OrchestrationStepStatus.Checking)
            {
                await StartCheckAsync();
            }
            else if (step.TaskStatus is null && !State.Status.IsFinal())
            {
                await ScheduleCurrentTaskAsync();
            }
            else if (step.TaskStatus is null)
            {
                // Cancelled while the step's call was in flight: only its outcome is left to record.
                var task = await GrainFactory.GetGrain<ITaskGrain>(step.TaskId).GetAsync();
                step.TaskStatus = task is null ? ScheduledTaskStatus.Cancelled : Final(task);
                if (step.TaskStatus is not null)
                {
                    await SaveAsync();
                    await CleanUpIfSettledAsync();
                }
            }
        }
        catch (Exception e) when (!_stateUncertain)
        {
            LogRecoveryDeferred(State.CurrentIndex, e);
        }
    }

    /// <summary>Schedules a task unless it exists; returns it when it already finished.</summary>
    private async Task<TaskSnapshot?> EnsureTaskAsync(Guid id, TaskDefinition definition)
    {
        if (_stateUncertain)
        {
            return null;
        }

        var grain = GrainFactory.GetGrain<ITaskGrain>(id);
        var task = await grain.GetAsync() ?? (await grain.ScheduleAsync(definition)).Task;
        if (task is not null)
        {
            _seen[id] = task.Status;
        }

        return task?.Status.IsFinal() == true ? task : null;
    }

    private TaskDefinition FallbackTask(OrchestrationStepState step) => new(
        Definition.Owner, Definition.FallbackFor(State.CurrentIndex)!, "POST", null, null, IdTime.CreatedAt(step.FallbackTaskId!.Value),
        step.FallbackDueAt!.Value, this.GetPrimaryKey(), this.GetGrainId(), Definition.Delivery);

    private async Task MarkRunningAsync()
    {
        if (State.Status == OrchestrationStatus.Scheduled)
        {
            State.Status = OrchestrationStatus.Running;
            await SaveAsync(indexChanged: true);
            LogStarted();
        }
    }

    private void Finish(OrchestrationStatus status, OrchestrationFailureReason? reason)
    {
        State.Status = status;
        State.FailureReason = reason;
        State.FinishedAt = Now;
        DisposeStartTimer();
        LogFinished(status, reason, State.CurrentIndex);
        metrics.OrchestrationFinished(status, reason);
        PendingRelease.OrchestrationFinished(GrainFactory, Definition);
    }

    private OrchestrationSnapshot Snapshot(IReadOnlyList<ConditionCheckAttempt>? liveAttempts = null)
    {
        var definition = Definition;
        var steps = new OrchestrationStepSnapshot[definition.Steps.Count];
        for (var i = 0; i < steps.Length; i++)
        {
            var call = definition.Steps[i];
            var step = i < State.Steps.Count ? State.Steps[i] : null;
            var status = step is null || (i == 0 && State.Status == OrchestrationStatus.Scheduled) ? OrchestrationStepStatus.Pending : step.Status;
            var taskStatus = step is null ? null : step.TaskStatus ?? Seen(step.TaskId);
            var attempts = i == State.CurrentIndex && liveAttempts is not null ? liveAttempts : (IReadOnlyList<ConditionCheckAttempt>?)step?.CheckAttempts ?? [];
            steps[i] = new OrchestrationStepSnapshot(
                i, call.Url, call.Method, status, step?.TaskId, taskStatus, definition.CheckFor(i), [.. attempts],
                definition.FallbackFor(i), step?.FallbackTaskId, step?.FallbackStatus ?? Seen(step?.FallbackTaskId));
        }

        return new OrchestrationSnapshot(
            this.GetPrimaryKey(), definition.Owner, definition.CreatedAt, definition.StartAt, State.Status, State.FailureReason, State.CurrentIndex, State.FinishedAt, steps);
    }

    /// <summary>The last status this activation saw of a task it has not recorded a final status for; null when unknown.</summary>
    private ScheduledTaskStatus? Seen(Guid? taskId) => taskId is { } id && _seen.TryGetValue(id, out var status) ? status : null;
}
