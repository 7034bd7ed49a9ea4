using Microsoft.Extensions.Logging;
using TaskOrchestrator.Hosting;
using TaskOrchestrator.Storage;
using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Orchestrations;

/// <summary>
/// The condition check after one step. Each attempt is a <see cref="TaskGrain"/> (durable, never early), whose id is
/// stored before it is scheduled; the attempt tells this grain when it finished, and this grain tells the orchestration
/// when the check passed or ran out of retries. It has no reminder of its own: the orchestration's recovery reminder
/// calls <see cref="StartAsync"/> again, which reconciles with the current attempt.
/// </summary>
/// <remarks>
/// Calls out go to task grains only (which answer at once and notify one-way); calls in come from the orchestration
/// (which this grain only notifies one-way), so no call cycle can form.
/// </remarks>
public sealed partial class ConditionCheckGrain(
    [PersistentState("check", StorageNames.Orchestrations)] IPersistentState<ConditionCheckGrainState> state,
    TaskIdMinter ids,
    TimeProvider time,
    ILogger<ConditionCheckGrain> logger) : Grain, IConditionCheckGrain
{
    private bool _stateUncertain;

    private ConditionCheckGrainState State => state.State;

    /// <inheritdoc />
    public async Task<ConditionCheckSnapshot> StartAsync(ConditionCheckRequest request)
    {
        if (_stateUncertain)
        {
            // The orchestration's next recovery tick reaches a fresh activation.
            throw new InvalidOperationException("The condition check's last write failed; it is reloading.");
        }

        if (State.Request is null)
        {
            state.State = new ConditionCheckGrainState
            {
                Request = request,
                Status = ConditionCheckStatus.Checking,
                AttemptTaskId = ids.Mint(time.GetUtcNow()),
                AttemptDueAt = request.FirstAttemptAt,
            };
            await WriteAsync();
        }

        if (State.Status == ConditionCheckStatus.Checking && await EnsureAttemptAsync() is { } finished)
        {
            await TakeOutcomeAsync(finished);
        }

        return Snapshot();
    }

    /// <inheritdoc />
    public async Task<ConditionCheckSnapshot?> CancelAsync()
    {
        if (State.Request is null)
        {
            return null;
        }

        if (State.Status == ConditionCheckStatus.Checking)
        {
            if (State.AttemptTaskId is { } attempt)
            {
                // A pending attempt is cancelled; one in flight answers Conflict and finishes, counting for nothing.
                await GrainFactory.GetGrain<ITaskGrain>(attempt).CancelAsync();
            }

            State.Status = ConditionCheckStatus.Cancelled;
            State.AttemptTaskId = null;
            await WriteAsync();
        }

        return Snapshot();
    }

    /// <inheritdoc />
    public Task<ConditionCheckSnapshot?> GetAsync() => Task.FromResult(State.Request is null ? null : Snapshot());

    /// <inheritdoc />
    public async Task OnTaskFinishedAsync(TaskSnapshot task)
    {
        if (!_stateUncertain && State.Status == ConditionCheckStatus.Checking && task.Id == State.AttemptTaskId && task.Status.IsFinal())
        {
            await TakeOutcomeAsync(task);
        }
    }

    /// <summary>Records a finished attempt and either ends the check (telling the orchestration) or schedules the next attempt.</summary>
    private async Task TakeOutcomeAsync(TaskSnapshot attempt)
    {
        var request = State.Request!;
        var passed = attempt.Status == ScheduledTaskStatus.Completed && !IsJsonFalse(attempt.Response?.Body);
        State.Attempts.Add(new ConditionCheckAttempt(attempt.Id, attempt.StartedAt, attempt.Response?.StatusCode, passed));
        using (OrchestrationGrain.OrchestrationScope(logger, request.OrchestrationId))
        {
            LogAttempt(request.OrchestrationId, request.Step, State.Attempts.Count, attempt.Response?.StatusCode, passed);
        }

        if (passed || State.Attempts.Count > request.Check.Retries)
        {
            State.Status = passed ? ConditionCheckStatus.Passed : ConditionCheckStatus.NotMet;
            State.AttemptTaskId = null;
            await WriteAsync();
            GrainFactory.GetGrain<IOrchestrationGrain>(request.OrchestrationId).OnConditionCheckFinishedAsync(Snapshot()).Ignore();
            return;
        }

        // The next attempt's id is stored before it is scheduled, so a crash in between schedules that same attempt again.
        var now = time.GetUtcNow();
        State.AttemptTaskId = ids.Mint(now);
        State.AttemptDueAt = (attempt.FinishedAt ?? now) + request.Check.RetryDelay;
        await WriteAsync();
        if (await EnsureAttemptAsync() is { } finished)
        {
            await TakeOutcomeAsync(finished);
        }
    }

    /// <summary>Schedules the current attempt unless it exists; returns it when it already finished.</summary>
    private async Task<TaskSnapshot?> EnsureAttemptAsync()
    {
        var request = State.Request!;
        var id = State.AttemptTaskId!.Value;
        var task = GrainFactory.GetGrain<ITaskGrain>(id);
        var current = await task.GetAsync();
        if (current is null)
        {
            var definition = new TaskDefinition(
                request.Owner, request.Check.Url, request.Check.Method, null, null, IdTime.CreatedAt(id), State.AttemptDueAt,
                request.OrchestrationId, this.GetGrainId(), request.Check.Delivery);
            current = (await task.ScheduleAsync(definition)).Task;
        }

        return current is { Status: var status } && status.IsFinal() ? current : null;
    }

    /// <summary>Stores the state; after a failed write this activation takes no further side effect and reloads.</summary>
    private async Task WriteAsync()
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            _stateUncertain = true;
            DeactivateOnIdle();
            throw;
        }
    }

    private ConditionCheckSnapshot Snapshot() =>
        new(this.GetPrimaryKey(), State.Request!.OrchestrationId, State.Request.Step, State.Status, [.. State.Attempts]);

    // A check passes on 2xx unless the body is the JSON literal false (surrounding JSON whitespace allowed).
    private static bool IsJsonFalse(string? body) => body is not null && body.AsSpan().Trim(" \t\r\n").SequenceEqual("false");

    [LoggerMessage(EventId = 2100, Level = LogLevel.Information, Message = "Orchestration {OrchestrationId} step {Step}: check attempt {Attempt} answered {StatusCode}, passed {Passed}")]
    private partial void LogAttempt(Guid orchestrationId, int step, int attempt, int? statusCode, bool passed);
}
