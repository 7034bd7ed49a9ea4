using Microsoft.Extensions.Time.Testing;
using TaskOrchestrator.Callbacks;
using TaskOrchestrator.Orchestrations;
using TaskOrchestrator.Orchestrations.Lifecycle;
using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Grains.Tests.Orchestrations.Lifecycle;

/// <summary>An orchestration's completion callback, as its cursor decides it, on a fake clock: no cluster, no storage.</summary>
public sealed class OrchestrationCursorCallbackTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly RetryPolicy ThreeAttempts = new(3, TimeSpan.FromSeconds(1), 2, TimeSpan.FromMinutes(1), 0, RetryPolicy.DefaultRetryOn);
    private static readonly CompletionCallback Everything = new("https://example.com/ended", CompletionCallback.Outcomes);

    private readonly FakeTimeProvider _time = new(Start);
    private readonly OrchestrationCursor _cursor;
    private int _minted;

    public OrchestrationCursorCallbackTests() => _cursor = new OrchestrationCursor(_time);

    [Theory]
    [InlineData(ScheduledTaskStatus.Completed, "completed")]
    [InlineData(ScheduledTaskStatus.Failed, "failed")]
    [InlineData(ScheduledTaskStatus.Cancelled, "cancelled")]
    public void Finish_EndingTheCallbackReports_OwedByTheSameWriteDueAtOnce(ScheduledTaskStatus stepTask, string outcome)
    {
        _cursor.Create(Definition(Everything), Mint());
        _time.Advance(TimeSpan.FromSeconds(12));

        var decision = _cursor.TakeTaskOutcome(StepTask(stepTask), Mint);

        Assert.True(decision.Store);
        Assert.True(_cursor.CallbackOwed);
        Assert.Equal(new CallbackDelivery(CallbackStatus.Pending, outcome, 0, null, null, _cursor.State.FinishedAt, null), _cursor.State.Callback);
        Assert.Equal(TimeSpan.Zero, _cursor.UntilCallbackDue());
        Assert.Equal(Everything, _cursor.Snapshot(Guid.NewGuid(), _ => null).Callback);
        Assert.Equal(_cursor.State.Callback, _cursor.Snapshot(Guid.NewGuid(), _ => null).CallbackDelivery);
    }

    [Fact]
    public void Finish_EndingTheCallbackDoesNotReport_NothingOwed()
    {
        _cursor.Create(Definition(new CompletionCallback("https://example.com/ended", [CompletionCallback.Failed])), Mint());

        _cursor.TakeTaskOutcome(StepTask(ScheduledTaskStatus.Completed), Mint);

        Assert.Equal(OrchestrationStatus.Completed, _cursor.State.Status);
        Assert.False(_cursor.CallbackOwed);
        Assert.Null(_cursor.State.Callback);
    }

    [Fact]
    public void FinishCancel_WithoutACallback_NothingOwed()
    {
        _cursor.Create(Definition(null), Mint());

        _cursor.FinishCancel();

        Assert.Equal(OrchestrationStatus.Cancelled, _cursor.State.Status);
        Assert.False(_cursor.CallbackOwed);
    }

    [Fact]
    public void CallbackFinished_FailsThenSucceeds_PendingAfterTheBackoffThenDeliveredAndTheOutcomeStands()
    {
        Ended(ScheduledTaskStatus.Completed);

        var first = _cursor.State.Callback!;
        Assert.Equal(CallbackStatus.Pending, _cursor.CallbackFinished(first, new TaskResponse(503, null, null), ThreeAttempts, random: 0));
        Assert.True(_cursor.CallbackOwed);
        Assert.Equal(TimeSpan.FromSeconds(1), _cursor.UntilCallbackDue());
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(CallbackStatus.Delivered, _cursor.CallbackFinished(_cursor.State.Callback!, new TaskResponse(204, null, null), ThreeAttempts, random: 0));

        Assert.False(_cursor.CallbackOwed);
        Assert.Equal(OrchestrationStatus.Completed, _cursor.State.Status);
        Assert.Equal((2, 204, _time.GetUtcNow()), (_cursor.State.Callback!.Attempts, _cursor.State.Callback.LastStatusCode, _cursor.State.Callback.FinishedAt));
    }

    [Fact]
    public void CallbackFinished_EveryAttemptFails_FailedForGoodAndTheOrchestrationStaysFailed()
    {
        Ended(ScheduledTaskStatus.Failed);

        _cursor.CallbackFinished(_cursor.State.Callback!, new TaskResponse(null, null, "refused", DeliveryFailure.Connection), ThreeAttempts, random: 0);
        _cursor.CallbackFinished(_cursor.State.Callback!, new TaskResponse(500, null, null), ThreeAttempts, random: 0);
        var status = _cursor.CallbackFinished(_cursor.State.Callback!, new TaskResponse(500, null, null), ThreeAttempts, random: 0);

        Assert.Equal(CallbackStatus.Failed, status);
        Assert.False(_cursor.CallbackOwed);
        Assert.Equal(3, _cursor.State.Callback!.Attempts);
        Assert.Equal((OrchestrationStatus.Failed, OrchestrationFailureReason.TaskFailed), (_cursor.State.Status, _cursor.State.FailureReason));
    }

    [Fact]
    public void CallbackFinished_RetryAYearLaterAsked_WaitsAtMostADay()
    {
        Ended(ScheduledTaskStatus.Completed);

        _cursor.CallbackFinished(_cursor.State.Callback!, new TaskResponse(429, null, null, RetryAfter: TimeSpan.FromDays(365)), ThreeAttempts, random: 0);

        Assert.Equal(OrchestrationCursor.MaxCallbackRetryAfter, _cursor.UntilCallbackDue());
    }

    [Fact]
    public void Retry_FailedEnding_DropsItsDeliveryAndTheNextEndingOwesItsOwn()
    {
        Ended(ScheduledTaskStatus.Failed);
        var failed = _cursor.State.Callback!;

        var (decision, refusal) = _cursor.Retry(_cursor.Snapshot(Guid.NewGuid(), _ => null).Steps[0], Mint);

        Assert.Null(refusal);
        Assert.NotNull(decision);
        Assert.Null(_cursor.State.Callback);
        Assert.False(_cursor.CallbackOwed);
        Assert.Equal(1, _cursor.State.Retries);

        // An attempt of the failed ending's callback that was in flight meanwhile records nothing.
        Assert.Null(_cursor.CallbackFinished(failed, new TaskResponse(200, null, null), ThreeAttempts, random: 0));
        Assert.Null(_cursor.State.Callback);

        _time.Advance(TimeSpan.FromSeconds(1));
        _cursor.TakeTaskOutcome(StepTask(ScheduledTaskStatus.Completed), Mint);

        Assert.Equal(new CallbackDelivery(CallbackStatus.Pending, "completed", 0, null, null, _time.GetUtcNow(), null), _cursor.State.Callback);
    }

    private void Ended(ScheduledTaskStatus stepTask)
    {
        _cursor.Create(Definition(Everything), Mint());
        _cursor.TakeTaskOutcome(StepTask(stepTask), Mint);
        Assert.True(_cursor.CallbackOwed);
    }

    private static OrchestrationDefinition Definition(CompletionCallback? callback) =>
        new("alice", Start, Start.AddSeconds(10), [new OrchestrationStepDefinition("https://example.com/step", "POST", null, null)], null, null, Callback: callback);

    private TaskSnapshot StepTask(ScheduledTaskStatus status) =>
        new(_cursor.State.Current.TaskId, "alice", "https://example.com/step", "POST", Start, Start.AddSeconds(10), status, 1, Start.AddSeconds(10), _time.GetUtcNow(), null);

    private Guid Mint() => Guid.CreateVersion7(Start.AddMilliseconds(++_minted));
}
