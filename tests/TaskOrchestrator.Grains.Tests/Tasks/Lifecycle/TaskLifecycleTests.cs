using Microsoft.Extensions.Time.Testing;
using TaskOrchestrator.Tasks;
using TaskOrchestrator.Tasks.Lifecycle;

namespace TaskOrchestrator.Grains.Tests.Tasks.Lifecycle;

/// <summary>Every transition of a task's life, legal and illegal, on a fake clock: no cluster, no storage.</summary>
public sealed class TaskLifecycleTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly TaskSchedulingOptions Options = new();
    private static readonly RetryPolicy ThreeAttempts = new(3, TimeSpan.FromSeconds(1), 2, TimeSpan.FromMinutes(1), 0, RetryPolicy.DefaultRetryOn);

    private readonly FakeTimeProvider _time = new(Start);
    private readonly TaskLifecycle _task;

    public TaskLifecycleTests() => _task = new TaskLifecycle(Options, _time);

    [Fact]
    public void Schedule_NewId_TakesTheTaskUnstoredAndScheduled()
    {
        Assert.Equal(TaskCommandOutcome.Ok, _task.Schedule(Definition(dueIn: TimeSpan.FromSeconds(30))));

        Assert.Equal(TaskPhase.Scheduled, _task.Phase);
        Assert.False(_task.IsStored);
        Assert.Equal(Start.AddSeconds(30), _task.State.DueAt);
    }

    [Fact]
    public void Schedule_IdAlreadyHoldsATask_Conflict()
    {
        _task.Schedule(Definition());

        Assert.Equal(TaskCommandOutcome.Conflict, _task.Schedule(Definition()));
        Assert.Equal(TaskCommandOutcome.Conflict, Loaded(ScheduledTaskStatus.Completed).Schedule(Definition()));
    }

    [Fact]
    public void Stored_DueWithinTheActivationWindow_ArmsTheTimerTheDispatchLeadBeforeTheDueTime()
    {
        _task.Schedule(Definition(dueIn: TimeSpan.FromSeconds(30)));

        var decision = _task.Stored();

        Assert.True(_task.IsStored);
        Assert.Equal(TaskDecision.ArmTimer(TimeSpan.FromSeconds(30) - Options.DispatchLead), decision);
    }

    [Fact]
    public void Stored_DueBeyondTheActivationWindow_ReleasesTheActivation()
    {
        _task.Schedule(Definition(dueIn: Options.ActivationWindow + TimeSpan.FromSeconds(1)));

        Assert.Equal(TaskDecision.Release, _task.Stored());
    }

    [Fact]
    public void Stored_DueNowOrPast_ArmsAtOnceNeverANegativeDueTime()
    {
        _task.Schedule(Definition(dueIn: TimeSpan.FromMilliseconds(20)));

        Assert.Equal(TaskDecision.ArmTimer(TimeSpan.Zero), _task.Stored());
    }

    [Fact]
    public void Abandon_UnstoredTask_ForgetsIt()
    {
        _task.Schedule(Definition());

        _task.Abandon();

        Assert.Equal(TaskPhase.None, _task.Phase);
        Assert.Equal(TaskCommandOutcome.Ok, _task.Schedule(Definition()));
    }

    [Fact]
    public void Load_NoRecord_NothingToDo()
    {
        Assert.Equal(TaskDecision.Nothing, _task.Load(new TaskGrainState(), stored: false));
        Assert.Equal(TaskPhase.None, _task.Phase);
    }

    [Theory]
    [InlineData(30, true)]
    [InlineData(3_600, false)]
    public void Load_Scheduled_ArmsTheTimerOnlyWhenNear(int dueInSeconds, bool armed)
    {
        var decision = _task.Load(Record(ScheduledTaskStatus.Scheduled, dueIn: TimeSpan.FromSeconds(dueInSeconds)), stored: true);

        Assert.Equal(TaskPhase.Scheduled, _task.Phase);
        Assert.Equal(armed, decision is TaskDecision.Arm);
    }

    [Fact]
    public void Load_RunningWithNoRetryPending_IsInterruptedAndCallsAgainAtOnce()
    {
        var record = Record(ScheduledTaskStatus.Running);
        record.AttemptsStarted = 1;
        record.AddAttempt(new TaskAttempt(1, Start, null, null, null));

        var decision = _task.Load(record, stored: true);

        Assert.Equal(TaskPhase.Interrupted, _task.Phase);
        Assert.Equal(TaskDecision.ArmTimer(TimeSpan.Zero), decision);
        Assert.Equal(TaskLifecycle.InterruptedError, Assert.Single(_task.State.History).Error);
    }

    [Fact]
    public void Load_RunningWithARetryPending_AwaitsTheRetry()
    {
        var record = Record(ScheduledTaskStatus.Running);
        record.NextAttemptAt = Start.AddSeconds(5);

        var decision = _task.Load(record, stored: true);

        Assert.Equal(TaskPhase.AwaitingRetry, _task.Phase);
        Assert.Equal(TaskDecision.ArmTimer(TimeSpan.FromSeconds(5) - Options.DispatchLead), decision);
    }

    [Theory]
    [InlineData(ScheduledTaskStatus.Completed, TaskPhase.Completed)]
    [InlineData(ScheduledTaskStatus.Failed, TaskPhase.Failed)]
    [InlineData(ScheduledTaskStatus.Cancelled, TaskPhase.Cancelled)]
    public void Load_Finished_NothingToDo(ScheduledTaskStatus status, TaskPhase phase)
    {
        Assert.Equal(TaskDecision.Nothing, _task.Load(Record(status), stored: true));
        Assert.Equal(phase, _task.Phase);
    }

    [Fact]
    public void OnTimer_FiredEarlierThanTheDispatchLeadAllows_ArmsAgainForTheRest()
    {
        Loaded(ScheduledTaskStatus.Scheduled, dueIn: TimeSpan.FromSeconds(1));

        var decision = _task.OnTimer();

        Assert.Equal(TaskDecision.ArmTimer(TimeSpan.FromSeconds(1) - Options.DispatchLead), decision);
        Assert.Equal(TaskPhase.Scheduled, _task.Phase);
    }

    [Fact]
    public void OnTimer_WithinTheDispatchLead_StartsAttemptOneAtTheDueTime()
    {
        Loaded(ScheduledTaskStatus.Scheduled, dueIn: TimeSpan.FromSeconds(1));
        _time.Advance(TimeSpan.FromSeconds(1) - Options.DispatchLead);

        var decision = _task.OnTimer();

        Assert.Equal(TaskDecision.Call(1, Start.AddSeconds(1)), decision);
        Assert.Equal(TaskPhase.Dispatching, _task.Phase);
        Assert.Equal(ScheduledTaskStatus.Running, _task.State.Status);
        Assert.Equal(1, _task.State.AttemptsStarted);
        Assert.Equal(Start.AddSeconds(1), Assert.Single(_task.State.History).StartedAt);
    }

    [Fact]
    public void OnTimer_AttemptInFlightOrTaskFinished_NothingToDo()
    {
        InFlight();

        Assert.Equal(TaskDecision.Nothing, _task.OnTimer());
        Assert.Equal(TaskDecision.Nothing, Loaded(ScheduledTaskStatus.Completed).OnTimer());
    }

    [Fact]
    public void CallStarted_RecordsTheExactStartAndIsInFlight()
    {
        Loaded(ScheduledTaskStatus.Scheduled, dueIn: TimeSpan.Zero);
        _task.OnTimer();

        _task.CallStarted(Start.AddMilliseconds(3));

        Assert.Equal(TaskPhase.InFlight, _task.Phase);
        Assert.Equal(Start.AddMilliseconds(3), _task.State.StartedAt);
        Assert.Equal(Start.AddMilliseconds(3), Assert.Single(_task.State.History).StartedAt);
    }

    [Fact]
    public void CallFinished_Answer2xx_FinishesCompleted()
    {
        InFlight();
        _time.Advance(TimeSpan.FromMilliseconds(40));

        var decision = _task.CallFinished(new TaskResponse(204, null, null), random: 0);

        Assert.Equal(TaskDecision.Finish(ScheduledTaskStatus.Completed), decision);
        Assert.Equal(TaskPhase.Completed, _task.Phase);
        Assert.Equal(_time.GetUtcNow(), _task.State.FinishedAt);
        Assert.Equal(204, Assert.Single(_task.State.History).StatusCode);
    }

    [Fact]
    public void CallFinished_RetriedFailureWithAttemptsLeft_WaitsForTheBackoff()
    {
        InFlight(ThreeAttempts);

        var decision = _task.CallFinished(new TaskResponse(503, "busy", null), random: 0);

        Assert.Equal(TaskDecision.RetryAt(Start.AddSeconds(1)), decision);
        Assert.Equal(TaskPhase.AwaitingRetry, _task.Phase);
        Assert.Equal(ScheduledTaskStatus.Running, _task.State.Status);
    }

    [Fact]
    public void CallFinished_TargetAsksForMoreThan24Hours_RetriesAfter24Hours()
    {
        InFlight(ThreeAttempts);

        var decision = _task.CallFinished(new TaskResponse(429, null, null, RetryAfter: TimeSpan.FromDays(3)), random: 0);

        Assert.Equal(TaskDecision.RetryAt(Start + TaskLifecycle.MaxRetryAfter), decision);
    }

    [Fact]
    public void CallFinished_LastAttemptFailsOrFailureNotRetried_FinishesFailed()
    {
        InFlight(ThreeAttempts);
        for (var attempt = 1; attempt < 3; attempt++)
        {
            Assert.IsType<TaskDecision.Retry>(_task.CallFinished(new TaskResponse(503, null, null), random: 0));
            _time.Advance(TimeSpan.FromMinutes(1));
            Assert.IsType<TaskDecision.MakeCall>(_task.OnTimer());
        }

        Assert.Equal(TaskDecision.Finish(ScheduledTaskStatus.Failed), _task.CallFinished(new TaskResponse(503, null, null), random: 0));
        Assert.Equal(3, _task.State.AttemptsStarted);

        var other = new TaskLifecycleTests();
        other.InFlight(ThreeAttempts);
        Assert.Equal(TaskDecision.Finish(ScheduledTaskStatus.Failed), other._task.CallFinished(new TaskResponse(400, null, null), random: 0));
    }

    [Fact]
    public void CallAbandoned_LeavesTheAttemptUnfinishedAndNotInFlight()
    {
        InFlight();

        _task.CallAbandoned();

        Assert.False(_task.AttemptInFlight);
        Assert.Equal(TaskPhase.Interrupted, _task.Phase);
    }

    [Fact]
    public void Cancel_Scheduled_FinishesCancelled()
    {
        Loaded(ScheduledTaskStatus.Scheduled);

        Assert.Equal(TaskDecision.Finish(ScheduledTaskStatus.Cancelled), _task.Cancel());
        Assert.Equal(TaskPhase.Cancelled, _task.Phase);
        Assert.Equal(Start, _task.State.FinishedAt);
    }

    [Fact]
    public void Cancel_AwaitingRetry_CallsOffTheRetries()
    {
        InFlight(ThreeAttempts);
        _task.CallFinished(new TaskResponse(503, null, null), random: 0);

        Assert.Equal(TaskDecision.Finish(ScheduledTaskStatus.Cancelled), _task.Cancel());
        Assert.Null(_task.State.NextAttemptAt);
    }

    [Fact]
    public void Cancel_AlreadyCancelled_NothingToDo()
    {
        Loaded(ScheduledTaskStatus.Cancelled);

        Assert.Equal(TaskDecision.Nothing, _task.Cancel());
    }

    [Fact]
    public void Cancel_NoTask_NotFound()
    {
        Assert.Equal(TaskCommandOutcome.NotFound, Assert.IsType<TaskDecision.Refused>(_task.Cancel()).Outcome);
    }

    [Theory]
    [InlineData(TaskPhase.Dispatching)]
    [InlineData(TaskPhase.InFlight)]
    [InlineData(TaskPhase.Interrupted)]
    [InlineData(TaskPhase.Completed)]
    [InlineData(TaskPhase.Failed)]
    public void Cancel_SomethingInFlightOrFinished_Conflict(TaskPhase phase)
    {
        Reach(phase);

        var refused = Assert.IsType<TaskDecision.Refused>(_task.Cancel());

        Assert.Equal(TaskCommandOutcome.Conflict, refused.Outcome);
        Assert.Contains("can no longer be cancelled", refused.Reason, StringComparison.Ordinal);
        Assert.Equal(phase, _task.Phase);
    }

    [Fact]
    public void Reschedule_Scheduled_MovesTheDueTimeAndPlansTheTimer()
    {
        Loaded(ScheduledTaskStatus.Scheduled, dueIn: TimeSpan.FromHours(1));

        var decision = _task.Reschedule(Start.AddSeconds(10));

        Assert.Equal(Start.AddSeconds(10), _task.State.DueAt);
        Assert.Equal(TaskDecision.ArmTimer(TimeSpan.FromSeconds(10) - Options.DispatchLead), decision);
        Assert.Equal(TaskDecision.Release, _task.Reschedule(Start.AddHours(2)));
    }

    [Theory]
    [InlineData(TaskPhase.None)]
    [InlineData(TaskPhase.Dispatching)]
    [InlineData(TaskPhase.InFlight)]
    [InlineData(TaskPhase.AwaitingRetry)]
    [InlineData(TaskPhase.Interrupted)]
    [InlineData(TaskPhase.Completed)]
    [InlineData(TaskPhase.Cancelled)]
    public void Reschedule_NotScheduled_Refused(TaskPhase phase)
    {
        Reach(phase);
        var dueAt = _task.State.DueAt;

        var refused = Assert.IsType<TaskDecision.Refused>(_task.Reschedule(Start.AddHours(5)));

        Assert.Equal(phase == TaskPhase.None ? TaskCommandOutcome.NotFound : TaskCommandOutcome.Conflict, refused.Outcome);
        Assert.Equal(dueAt, _task.State.DueAt);
    }

    [Fact]
    public void OnReminder_WriteOrAttemptInFlight_LeavesItToWhoeverStartedIt()
    {
        Loaded(ScheduledTaskStatus.Completed);
        Assert.Equal(TaskDecision.Nothing, _task.OnReminder(writeInFlight: true, timerArmed: false));

        var other = new TaskLifecycleTests();
        other.InFlight();
        Assert.Equal(TaskDecision.Nothing, other._task.OnReminder(writeInFlight: false, timerArmed: false));
    }

    [Fact]
    public void OnReminder_FinishedOrNoTask_CleansUp()
    {
        Assert.Equal(TaskDecision.CleanUp, _task.OnReminder(writeInFlight: false, timerArmed: false));
        Assert.Equal(TaskDecision.CleanUp, Loaded(ScheduledTaskStatus.Failed).OnReminder(writeInFlight: false, timerArmed: false));
    }

    [Fact]
    public void OnReminder_PendingTaskWithoutATimer_ArmsIt()
    {
        Loaded(ScheduledTaskStatus.Scheduled, dueIn: TimeSpan.FromSeconds(8));

        Assert.Equal(TaskDecision.ArmTimer(TimeSpan.FromSeconds(8) - Options.DispatchLead), _task.OnReminder(writeInFlight: false, timerArmed: false));
        Assert.Equal(TaskDecision.Nothing, _task.OnReminder(writeInFlight: false, timerArmed: true));
    }

    [Fact]
    public void OnReminder_Interrupted_CallsAgainAtOnce()
    {
        Reach(TaskPhase.Interrupted);

        Assert.Equal(TaskDecision.ArmTimer(TimeSpan.Zero), _task.OnReminder(writeInFlight: false, timerArmed: false));
    }

    [Fact]
    public void Compact_WhileAwaitingRetry_EndsFailedWithTheShortReason()
    {
        InFlight(ThreeAttempts);
        _task.CallFinished(new TaskResponse(503, new string('x', 4000), null), random: 0);

        _task.Compact();

        Assert.Equal(TaskPhase.Failed, _task.Phase);
        Assert.Null(_task.State.NextAttemptAt);
        Assert.Null(_task.State.Response!.Body);
        Assert.Equal(TaskGrainState.CompactedError, _task.State.Response.Error);
    }

    [Fact]
    public void FirstReminderTick_LinedUpAfterTheDueTimeNeverOnIt()
    {
        Loaded(ScheduledTaskStatus.Scheduled, dueIn: TimeSpan.FromSeconds(3));

        Assert.Equal(TimeSpan.FromSeconds(3) + Options.ReminderGrace, _task.FirstReminderTick());
    }

    private static TaskDefinition Definition(TimeSpan? dueIn = null, RetryPolicy? retry = null) =>
        new("tester", "https://example.com/hook", "POST", null, null, Start, Start + (dueIn ?? TimeSpan.FromSeconds(30)),
            Delivery: new DeliveryPolicy(retry ?? new RetryPolicy(1, TimeSpan.Zero, 1, TimeSpan.Zero, 0, []), TimeSpan.FromSeconds(30)));

    private static TaskGrainState Record(ScheduledTaskStatus status, TimeSpan? dueIn = null, RetryPolicy? retry = null)
    {
        var definition = Definition(dueIn, retry);
        return new TaskGrainState
        {
            Definition = definition,
            Status = status,
            DueAt = definition.DueAt,
            FinishedAt = status.IsFinal() ? Start : null,
        };
    }

    private TaskLifecycle Loaded(ScheduledTaskStatus status, TimeSpan? dueIn = null, RetryPolicy? retry = null)
    {
        _task.Load(Record(status, dueIn, retry), stored: true);
        return _task;
    }

    private void InFlight(RetryPolicy? retry = null)
    {
        Loaded(ScheduledTaskStatus.Scheduled, TimeSpan.Zero, retry);
        Assert.IsType<TaskDecision.MakeCall>(_task.OnTimer());
        _task.CallStarted(Start);
    }

    private void Reach(TaskPhase phase)
    {
        switch (phase)
        {
            case TaskPhase.None:
                break;
            case TaskPhase.Dispatching:
                Loaded(ScheduledTaskStatus.Scheduled, TimeSpan.Zero);
                _task.OnTimer();
                break;
            case TaskPhase.InFlight:
                InFlight();
                break;
            case TaskPhase.AwaitingRetry:
                InFlight(ThreeAttempts);
                _task.CallFinished(new TaskResponse(503, null, null), random: 0);
                break;
            case TaskPhase.Interrupted:
                Loaded(ScheduledTaskStatus.Running);
                break;
            default:
                Loaded(phase switch { TaskPhase.Completed => ScheduledTaskStatus.Completed, TaskPhase.Failed => ScheduledTaskStatus.Failed, _ => ScheduledTaskStatus.Cancelled });
                break;
        }

        Assert.Equal(phase, _task.Phase);
    }
}
