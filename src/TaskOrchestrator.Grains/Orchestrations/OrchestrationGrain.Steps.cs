using TaskOrchestrator.Orchestrations.Lifecycle;
using TaskOrchestrator.Persistence;
using TaskOrchestrator.Quotas;
using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Orchestrations;

/// <summary>How <see cref="OrchestrationGrain"/> carries out its cursor's decisions, and how it recovers.</summary>
public sealed partial class OrchestrationGrain
{
    /// <summary>Stores what <paramref name="decision"/> changed, then does what follows it.</summary>
    private async Task ApplyAsync(OrchestrationDecision decision)
    {
        if (decision.StepTaskOutcome is { } outcome)
        {
            LogStepTaskFinished(State.CurrentIndex, outcome);
        }

        if (decision.Next == OrchestrationNext.Finished)
        {
            DisposeStartTimer();
            LogFinished(State.Status, State.FailureReason, State.CurrentIndex);
            metrics.OrchestrationFinished(State.Status, State.FailureReason);
            PendingRelease.OrchestrationFinished(GrainFactory, Definition);
        }

        if (decision.Store)
        {
            await SaveAsync(decision.ListingChanged);
        }

        await DoAsync(decision.Next);
    }

    /// <summary>
    /// Does what the cursor asked: makes sure the current step's task, check or fallback exists (each id was stored
    /// before), and takes in an outcome already there; or cleans up once nothing is in flight.
    /// </summary>
    private async Task DoAsync(OrchestrationNext next)
    {
        if (_writes.Distrusted)
        {
            return;
        }

        switch (next)
        {
            case OrchestrationNext.ScheduleStep:
                try
                {
                    if (await EnsureTaskAsync(State.Current.TaskId, () => _cursor.StepTask(this.GetPrimaryKey(), this.GetGrainId())) is { } finished)
                    {
                        await ApplyAsync(_cursor.TakeTaskOutcome(finished, NewId));
                    }
                }
                catch (Exception e) when (!_writes.Distrusted)
                {
                    // The step's id is stored: the reminder schedules the same task again shortly.
                    LogRecoveryDeferred(State.CurrentIndex, e);
                }

                break;
            case OrchestrationNext.StartCheck:
                var check = await GrainFactory.GetGrain<IConditionCheckGrain>(State.Current.CheckId!.Value).StartAsync(_cursor.CheckRequest(this.GetPrimaryKey()));
                await ApplyAsync(_cursor.TakeCheckOutcome(check, NewId));
                break;
            case OrchestrationNext.RunFallback:
                if (await EnsureTaskAsync(State.Current.FallbackTaskId!.Value, () => _cursor.FallbackTask(this.GetPrimaryKey(), this.GetGrainId())) is { } fallback)
                {
                    await ApplyAsync(_cursor.TakeTaskOutcome(fallback, NewId));
                }

                break;
            case OrchestrationNext.ReadStepTask:
                await ApplyAsync(_cursor.StepTaskRead(await GrainFactory.GetGrain<ITaskGrain>(State.Current.TaskId).GetAsync()));
                break;
            case OrchestrationNext.Finished or OrchestrationNext.CleanUp:
                // The ending's callback is owed from the write that stored it, whether or not a call is still in flight.
                ArmCallback();
                await CleanUpIfSettledAsync();
                break;
        }
    }

    /// <summary>
    /// The recovery path, on each reminder tick: finds the outcome of whatever the current step waits for (a task or a
    /// check whose notification was lost with a silo), and makes sure what should be scheduled is.
    /// </summary>
    private async Task RecoverAsync()
    {
        try
        {
            await DoAsync(_cursor.Recovery());
        }
        catch (Exception e) when (!_writes.Distrusted)
        {
            LogRecoveryDeferred(State.CurrentIndex, e);
        }
    }

    /// <summary>Schedules a child task unless it exists; returns it when it already finished.</summary>
    private async Task<TaskSnapshot?> EnsureTaskAsync(Guid id, Func<TaskDefinition> definition)
    {
        var task = await ChildTasks.EnsureAsync(GrainFactory, id, definition);
        if (task is not null)
        {
            _lastSeenTaskStatus[id] = task.Status;
        }

        return task?.Status.IsFinal() == true ? task : null;
    }
}
