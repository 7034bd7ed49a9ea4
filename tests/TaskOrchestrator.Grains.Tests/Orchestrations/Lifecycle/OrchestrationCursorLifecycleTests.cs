using Microsoft.Extensions.Time.Testing;
using TaskOrchestrator.Orchestrations;
using TaskOrchestrator.Orchestrations.Lifecycle;
using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Grains.Tests.Orchestrations.Lifecycle;

/// <summary>Every transition of an orchestration's cursor, legal and illegal, on a fake clock: no cluster, no storage.</summary>
public sealed class OrchestrationCursorLifecycleTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly ConditionCheckDefinition Check = new("https://example.com/check", "GET", TimeSpan.FromSeconds(3), 1, TimeSpan.FromSeconds(1));

    private readonly FakeTimeProvider _time = new(Start);
    private readonly OrchestrationCursor _cursor;
    private int _minted;

    public OrchestrationCursorLifecycleTests() => _cursor = new OrchestrationCursor(_time);

    [Fact]
    public void Create_New_ScheduledWithTheFirstStepDueAtTheStart()
    {
        Assert.True(_cursor.Create(Definition(steps: 2), Mint()));

        Assert.Equal(OrchestrationStatus.Scheduled, _cursor.State.Status);
        Assert.Equal(Start.AddSeconds(10), Assert.Single(_cursor.State.Steps).TaskDueAt);
        Assert.False(_cursor.Create(Definition(), Mint()));
    }

    [Fact]
    public void StepTask_CurrentStep_CallsItsUrlAtItsDueTimeAndReportsBack()
    {
        _cursor.Create(Definition(), Mint());
        var id = Guid.CreateVersion7(Start);

        var task = _cursor.StepTask(id, GrainId.Create("orchestration", "o1"));

        Assert.Equal(("alice", "https://example.com/step/0", Start.AddSeconds(10), (Guid?)id), (task.Owner, task.Url, task.DueAt, task.OrchestrationId));
        // Scheduled again after a crash, the task gets the same creation time: the one its id carries.
        Assert.Equal(TaskOrchestrator.Storage.TaskKeys.CreatedMillis(_cursor.State.Current.TaskId), task.CreatedAt.ToUnixTimeMilliseconds());
    }

    [Fact]
    public void MarkRunning_OnlyFromScheduled()
    {
        _cursor.Create(Definition(), Mint());

        Assert.True(_cursor.MarkRunning());
        Assert.Equal(OrchestrationStatus.Running, _cursor.State.Status);
        Assert.False(_cursor.MarkRunning());
    }

    [Fact]
    public void TakeTaskOutcome_StepCompletedWithoutCheck_NextStepDueNow()
    {
        _cursor.Create(Definition(steps: 2), Mint());

        var decision = _cursor.TakeTaskOutcome(StepTask(ScheduledTaskStatus.Completed), Mint);

        Assert.Equal(new OrchestrationDecision(true, true, OrchestrationNext.ScheduleStep, ScheduledTaskStatus.Completed), decision);
        Assert.Equal(OrchestrationStatus.Running, _cursor.State.Status);
        Assert.Equal(OrchestrationStepStatus.Passed, _cursor.State.Steps[0].Status);
        Assert.Equal(Start, _cursor.State.Current.TaskDueAt);
        Assert.Equal(1, _cursor.State.CurrentIndex);
    }

    [Fact]
    public void TakeTaskOutcome_LastStepCompleted_FinishesCompleted()
    {
        _cursor.Create(Definition(steps: 1), Mint());

        var decision = _cursor.TakeTaskOutcome(StepTask(ScheduledTaskStatus.Completed), Mint);

        Assert.Equal(OrchestrationNext.Finished, decision.Next);
        Assert.Equal(OrchestrationStatus.Completed, _cursor.State.Status);
        Assert.Equal(Start, _cursor.State.FinishedAt);
        Assert.True(_cursor.State.IsSettled);
    }

    [Fact]
    public void TakeTaskOutcome_StepCompletedWithCheck_StartsItAfterItsDelay()
    {
        _cursor.Create(Definition(check: Check), Mint());

        var decision = _cursor.TakeTaskOutcome(StepTask(ScheduledTaskStatus.Completed, finishedAt: Start.AddSeconds(11)), Mint);

        Assert.Equal(OrchestrationNext.StartCheck, decision.Next);
        Assert.Equal(OrchestrationStepStatus.Checking, _cursor.State.Current.Status);
        Assert.NotNull(_cursor.State.Current.CheckId);
        Assert.Equal(Start.AddSeconds(14), _cursor.CheckRequest(Guid.NewGuid()).FirstAttemptAt);
    }

    [Theory]
    [InlineData(ScheduledTaskStatus.Failed, OrchestrationStatus.Failed, OrchestrationStepStatus.Failed)]
    [InlineData(ScheduledTaskStatus.Cancelled, OrchestrationStatus.Cancelled, OrchestrationStepStatus.Cancelled)]
    public void TakeTaskOutcome_StepFailedOrCancelledThroughTheTaskApi_EndsTheOrchestration(ScheduledTaskStatus task, OrchestrationStatus ends, OrchestrationStepStatus step)
    {
        _cursor.Create(Definition(steps: 3), Mint());

        var decision = _cursor.TakeTaskOutcome(StepTask(task), Mint);

        Assert.Equal(OrchestrationNext.Finished, decision.Next);
        Assert.Equal(ends, _cursor.State.Status);
        Assert.Equal(step, _cursor.State.Current.Status);
        Assert.Equal(task == ScheduledTaskStatus.Failed ? OrchestrationFailureReason.TaskFailed : null, _cursor.State.FailureReason);
    }

    [Fact]
    public void TakeTaskOutcome_RepeatsUnfinishedAndOtherTasks_ChangeNothing()
    {
        _cursor.Create(Definition(steps: 2), Mint());
        _cursor.TakeTaskOutcome(StepTask(ScheduledTaskStatus.Completed), Mint);

        Assert.Equal(OrchestrationDecision.Nothing, _cursor.TakeTaskOutcome(Task(_cursor.State.Steps[0].TaskId, ScheduledTaskStatus.Completed), Mint));
        Assert.Equal(OrchestrationDecision.Nothing, _cursor.TakeTaskOutcome(StepTask(ScheduledTaskStatus.Running), Mint));
        Assert.Equal(OrchestrationDecision.Nothing, _cursor.TakeTaskOutcome(Task(Guid.NewGuid(), ScheduledTaskStatus.Completed), Mint));
        Assert.Equal(1, _cursor.State.CurrentIndex);
    }

    [Fact]
    public void TakeCheckOutcome_Passed_PassesTheStep()
    {
        Checking();

        var decision = _cursor.TakeCheckOutcome(CheckResult(ConditionCheckStatus.Passed), Mint);

        Assert.Equal(OrchestrationNext.ScheduleStep, decision.Next);
        Assert.False(decision.ListingChanged);
        Assert.Equal(OrchestrationStepStatus.Passed, _cursor.State.Steps[0].Status);
        Assert.Single(_cursor.State.Steps[0].CheckAttempts);
    }

    [Fact]
    public void TakeCheckOutcome_NotMetWithAFallback_RunsItNow()
    {
        Checking(fallback: "https://example.com/fallback");

        var decision = _cursor.TakeCheckOutcome(CheckResult(ConditionCheckStatus.NotMet), Mint);

        Assert.Equal(OrchestrationNext.RunFallback, decision.Next);
        Assert.Equal(OrchestrationStepStatus.ConditionNotMet, _cursor.State.Current.Status);
        var fallback = _cursor.FallbackTask(Guid.NewGuid(), GrainId.Create("orchestration", "o1"));
        Assert.Equal(("https://example.com/fallback", "POST", Start), (fallback.Url, fallback.Method, fallback.DueAt));

        var end = _cursor.TakeTaskOutcome(Task(_cursor.State.Current.FallbackTaskId!.Value, ScheduledTaskStatus.Completed), Mint);
        Assert.Equal(OrchestrationNext.Finished, end.Next);
        Assert.Equal((OrchestrationStatus.Failed, OrchestrationFailureReason.ConditionNotMet), (_cursor.State.Status, _cursor.State.FailureReason));
    }

    [Fact]
    public void TakeCheckOutcome_NotMetWithoutAFallback_FailsAtOnce()
    {
        Checking();

        Assert.Equal(OrchestrationNext.Finished, _cursor.TakeCheckOutcome(CheckResult(ConditionCheckStatus.NotMet), Mint).Next);
        Assert.Equal((OrchestrationStatus.Failed, OrchestrationFailureReason.ConditionNotMet), (_cursor.State.Status, _cursor.State.FailureReason));
    }

    [Fact]
    public void TakeCheckOutcome_StaleOrUnfinishedCheck_ChangesNothing()
    {
        Checking();

        Assert.Equal(OrchestrationDecision.Nothing, _cursor.TakeCheckOutcome(CheckResult(ConditionCheckStatus.Checking), Mint));
        Assert.Equal(OrchestrationDecision.Nothing, _cursor.TakeCheckOutcome(CheckResult(ConditionCheckStatus.Passed) with { Id = Guid.NewGuid() }, Mint));
        Assert.Equal(OrchestrationStepStatus.Checking, _cursor.State.Current.Status);
    }

    [Fact]
    public void BeginCancel_StepRunning_StopsItsTaskThenEndsCancelled()
    {
        _cursor.Create(Definition(), Mint());
        var taskId = _cursor.State.Current.TaskId;

        Assert.Equal(OrchestrationCancel.StopTask(taskId), _cursor.BeginCancel());
        _cursor.StepTaskStopped(TaskCommandResult.Ok(Task(taskId, ScheduledTaskStatus.Cancelled)));
        var decision = _cursor.FinishCancel();

        Assert.Equal(OrchestrationNext.Finished, decision.Next);
        Assert.Equal(OrchestrationStatus.Cancelled, _cursor.State.Status);
        Assert.Equal(ScheduledTaskStatus.Cancelled, _cursor.State.Current.TaskStatus);
    }

    [Fact]
    public void BeginCancel_StepTaskInFlight_RecordsNoOutcomeUntilItFinishes()
    {
        _cursor.Create(Definition(), Mint());
        var taskId = _cursor.State.Current.TaskId;

        _cursor.StepTaskStopped(TaskCommandResult.Conflict(Task(taskId, ScheduledTaskStatus.Running), "in flight"));
        _cursor.FinishCancel();

        Assert.Null(_cursor.State.Current.TaskStatus);
        Assert.False(_cursor.State.IsSettled);
        Assert.Equal(OrchestrationNext.ReadStepTask, _cursor.Recovery());
        Assert.Equal(OrchestrationNext.CleanUp, _cursor.TakeTaskOutcome(Task(taskId, ScheduledTaskStatus.Completed), Mint).Next);
        Assert.True(_cursor.State.IsSettled);
    }

    [Fact]
    public void BeginCancel_Checking_StopsTheCheck()
    {
        Checking();

        Assert.Equal(OrchestrationCancel.StopCheck(_cursor.State.Current.CheckId!.Value), _cursor.BeginCancel());
        _cursor.CheckStopped(CheckResult(ConditionCheckStatus.Cancelled));
        Assert.Equal(OrchestrationStepStatus.Cancelled, _cursor.State.Current.Status);
    }

    [Fact]
    public void BeginCancel_AlreadyCancelledOrFinished_DoneOrRefused()
    {
        _cursor.Create(Definition(), Mint());
        _cursor.FinishCancel();
        Assert.Equal(OrchestrationCancel.AlreadyCancelled, _cursor.BeginCancel());

        var other = new OrchestrationCursorLifecycleTests();
        other._cursor.Create(Definition(), other.Mint());
        other._cursor.TakeTaskOutcome(other.StepTask(ScheduledTaskStatus.Completed), other.Mint);
        Assert.Contains("Completed", other._cursor.BeginCancel().Refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void PlanModify_NewDelayFromCreation_ReschedulesTheFirstTask()
    {
        _cursor.Create(Definition(), Mint());

        var plan = _cursor.PlanModify(new OrchestrationChange(null, null, null, null, InitialDelay: TimeSpan.FromMinutes(5)));
        var decision = _cursor.ApplyModify(plan, TaskCommandOutcome.Ok, Mint, out var refusal);

        Assert.Equal(FirstTaskChange.Reschedule, plan.FirstTask);
        Assert.Null(refusal);
        Assert.Equal(Start.AddMinutes(5), _cursor.State.Definition!.StartAt);
        Assert.Equal(Start.AddMinutes(5), _cursor.State.Current.TaskDueAt);
        Assert.Equal(OrchestrationNext.Nothing, decision.Next);
    }

    [Fact]
    public void PlanModify_DelayAlreadyPast_StartsNow()
    {
        _cursor.Create(Definition(), Mint());
        _time.Advance(TimeSpan.FromMinutes(1));

        var plan = _cursor.PlanModify(new OrchestrationChange(null, null, null, null, InitialDelay: TimeSpan.Zero));

        Assert.Equal(Start.AddMinutes(1), plan.Definition!.StartAt);
    }

    [Fact]
    public void PlanModify_DifferentFirstCall_ReplacesTheFirstTaskWithANewId()
    {
        _cursor.Create(Definition(steps: 2), Mint());
        var oldTask = _cursor.State.Current.TaskId;
        var steps = new[] { StepDefinition(9), StepDefinition(1) };

        var plan = _cursor.PlanModify(new OrchestrationChange(null, steps, null, null));
        var decision = _cursor.ApplyModify(plan, TaskCommandOutcome.Ok, Mint, out _);

        Assert.Equal(FirstTaskChange.Cancel, plan.FirstTask);
        Assert.NotEqual(oldTask, _cursor.State.Current.TaskId);
        Assert.Equal(OrchestrationNext.ScheduleStep, decision.Next);
    }

    [Fact]
    public void ApplyModify_FirstTaskAlreadyRunning_RefusedAndRunning()
    {
        _cursor.Create(Definition(), Mint());
        var plan = _cursor.PlanModify(new OrchestrationChange(Start.AddMinutes(2), null, null, null));

        var decision = _cursor.ApplyModify(plan, TaskCommandOutcome.Conflict, Mint, out var refusal);

        Assert.NotNull(refusal);
        Assert.True(decision.Store);
        Assert.Equal(OrchestrationStatus.Running, _cursor.State.Status);
        Assert.Equal(Start.AddSeconds(10), _cursor.State.Definition!.StartAt);
    }

    [Fact]
    public void PlanModify_NotScheduledOrTooMuchWork_Refused()
    {
        _cursor.Create(Definition(), Mint());
        var tooMuch = _cursor.PlanModify(new OrchestrationChange(null, [.. Enumerable.Range(0, 20).Select(StepDefinition)], null, null, MaxCalls: 5));
        Assert.Equal(TaskCommandOutcome.Invalid, tooMuch.RefusedAs);

        _cursor.MarkRunning();
        Assert.Equal(TaskCommandOutcome.Conflict, _cursor.PlanModify(new OrchestrationChange(Start, null, null, null)).RefusedAs);
    }

    [Fact]
    public void Recovery_EachWaitingState_NamesWhatToReconcile()
    {
        _cursor.Create(Definition(check: Check, fallback: "https://example.com/fallback"), Mint());
        Assert.Equal(OrchestrationNext.ScheduleStep, _cursor.Recovery());

        _cursor.TakeTaskOutcome(StepTask(ScheduledTaskStatus.Completed), Mint);
        Assert.Equal(OrchestrationNext.StartCheck, _cursor.Recovery());

        _cursor.TakeCheckOutcome(CheckResult(ConditionCheckStatus.NotMet), Mint);
        Assert.Equal(OrchestrationNext.RunFallback, _cursor.Recovery());

        _cursor.TakeTaskOutcome(Task(_cursor.State.Current.FallbackTaskId!.Value, ScheduledTaskStatus.Failed), Mint);
        Assert.Equal(OrchestrationNext.Nothing, _cursor.Recovery());
    }

    [Fact]
    public void Snapshot_FirstStepBeforeTheStart_PendingAndLaterStepsAbsent()
    {
        _cursor.Create(Definition(steps: 2), Mint());

        var snapshot = _cursor.Snapshot(Guid.NewGuid(), _ => ScheduledTaskStatus.Scheduled);

        Assert.Equal(OrchestrationStepStatus.Pending, snapshot.Steps[0].Status);
        Assert.Equal(ScheduledTaskStatus.Scheduled, snapshot.Steps[0].TaskStatus);
        Assert.Null(snapshot.Steps[1].TaskId);
    }

    private static OrchestrationStepDefinition StepDefinition(int i) => new($"https://example.com/step/{i}", "POST", null, null);

    private static OrchestrationDefinition Definition(int steps = 1, ConditionCheckDefinition? check = null, string? fallback = null) =>
        new("alice", Start, Start.AddSeconds(10), [.. Enumerable.Range(0, steps).Select(StepDefinition)], check, fallback);

    private static TaskSnapshot Task(Guid id, ScheduledTaskStatus status, DateTimeOffset? finishedAt = null) =>
        new(id, "alice", "https://example.com/step", "POST", Start, Start.AddSeconds(10), status, 1, Start.AddSeconds(10), status.IsFinal() ? finishedAt ?? Start.AddSeconds(10) : null, null);

    private TaskSnapshot StepTask(ScheduledTaskStatus status, DateTimeOffset? finishedAt = null) => Task(_cursor.State.Current.TaskId, status, finishedAt);

    private ConditionCheckSnapshot CheckResult(ConditionCheckStatus status) =>
        new(_cursor.State.Current.CheckId ?? Guid.Empty, Guid.Empty, _cursor.State.CurrentIndex, status, [new ConditionCheckAttempt(Guid.NewGuid(), Start, 200, status == ConditionCheckStatus.Passed)]);

    private void Checking(string? fallback = null)
    {
        _cursor.Create(Definition(steps: 2, check: Check, fallback: fallback), Mint());
        _cursor.TakeTaskOutcome(StepTask(ScheduledTaskStatus.Completed), Mint);
    }

    private Guid Mint() => Guid.CreateVersion7(Start.AddMilliseconds(++_minted));
}
