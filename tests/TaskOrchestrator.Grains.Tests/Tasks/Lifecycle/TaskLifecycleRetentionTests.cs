using Microsoft.Extensions.Time.Testing;
using TaskOrchestrator.Callbacks;
using TaskOrchestrator.Tasks;
using TaskOrchestrator.Tasks.Lifecycle;

namespace TaskOrchestrator.Grains.Tests.Tasks.Lifecycle;

/// <summary>A task's completion callback and retention, as its lifecycle decides them, on a fake clock.</summary>
public sealed class TaskLifecycleRetentionTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly RetryPolicy ThreeAttempts = new(3, TimeSpan.FromSeconds(1), 2, TimeSpan.FromMinutes(1), 0, RetryPolicy.DefaultRetryOn);

    private readonly FakeTimeProvider _time = new(Start);
    private readonly TaskLifecycle _task;

    public TaskLifecycleRetentionTests() => _task = new TaskLifecycle(new TaskSchedulingOptions(), _time) { DefaultRetention = TimeSpan.FromDays(7) };

    [Fact]
    public void CallFinished_Completed_ExpiresItsRetentionAfterItsEndAndOwesTheCallback()
    {
        Run(Definition(CompletionCallback.Outcomes, TimeSpan.FromSeconds(2)), new TaskResponse(200, null, null));

        Assert.Equal(ScheduledTaskStatus.Completed, _task.State.Status);
        Assert.Equal(_task.State.FinishedAt + TimeSpan.FromSeconds(2), _task.State.ExpiresAt);
        Assert.True(_task.CallbackOwed);
        Assert.Equal(new CallbackDelivery(CallbackStatus.Pending, "completed", 0, null, null, _task.State.FinishedAt, null), _task.State.Callback);
        Assert.Equal(TimeSpan.Zero, _task.UntilCallbackDue());
    }

    [Fact]
    public void IsExpired_CallbackOwed_KeptPastItsRetentionUntilTheCallbackIsSettled()
    {
        Run(Definition(CompletionCallback.Outcomes, TimeSpan.FromSeconds(2)), new TaskResponse(200, null, null));
        _time.Advance(TimeSpan.FromSeconds(5));

        Assert.False(_task.IsExpired);
        Assert.Equal(CallbackStatus.Pending, _task.CallbackFinished(new TaskResponse(503, null, null), ThreeAttempts, random: 0));
        Assert.Equal(TimeSpan.FromSeconds(1), _task.UntilCallbackDue());
        Assert.False(_task.IsExpired);
        Assert.Equal(2, _task.CallbackAttemptStarting());

        Assert.Equal(CallbackStatus.Delivered, _task.CallbackFinished(new TaskResponse(200, null, null), ThreeAttempts, random: 0));

        Assert.True(_task.IsExpired);
        Assert.Equal(ScheduledTaskStatus.Completed, _task.State.Status);
        Assert.Equal(2, _task.State.Callback!.Attempts);
        Assert.Equal(200, _task.State.Callback.LastStatusCode);
    }

    [Fact]
    public void CallbackFinished_EveryAttemptFails_FailedForGoodAndTheTaskStaysCompleted()
    {
        Run(Definition(CompletionCallback.Outcomes, null), new TaskResponse(200, null, null));

        _task.CallbackFinished(new TaskResponse(null, null, "refused", DeliveryFailure.Connection), ThreeAttempts, random: 0);
        _task.CallbackFinished(new TaskResponse(500, null, null), ThreeAttempts, random: 0);
        var status = _task.CallbackFinished(new TaskResponse(500, null, null), ThreeAttempts, random: 0);

        Assert.Equal(CallbackStatus.Failed, status);
        Assert.False(_task.CallbackOwed);
        Assert.Equal(ScheduledTaskStatus.Completed, _task.State.Status);
        Assert.Equal(3, _task.State.Callback!.Attempts);
        Assert.Equal(_time.GetUtcNow(), _task.State.Callback.FinishedAt);
    }

    [Fact]
    public void CallbackFinished_FailureNotRetried_FailedAfterOneAttempt()
    {
        Run(Definition(CompletionCallback.Outcomes, null), new TaskResponse(200, null, null));

        Assert.Equal(CallbackStatus.Failed, _task.CallbackFinished(new TaskResponse(404, null, null), ThreeAttempts, random: 0));
        Assert.Equal(1, _task.State.Callback!.Attempts);
    }

    [Fact]
    public void CallFinished_EndingTheCallbackDoesNotReport_NoCallbackOwed()
    {
        Run(Definition([CompletionCallback.Failed], null), new TaskResponse(200, null, null));

        Assert.Null(_task.State.Callback);
        Assert.False(_task.CallbackOwed);
        Assert.Equal(_task.State.FinishedAt + TimeSpan.FromDays(7), _task.State.ExpiresAt);
    }

    [Fact]
    public void Cancel_CallbackReportsCancellations_OwedAndExpiresAfterItsRetention()
    {
        _task.Schedule(Definition([CompletionCallback.Cancelled], TimeSpan.FromMinutes(1)));
        _task.Stored();

        _task.Cancel();

        Assert.Equal("cancelled", _task.State.Callback!.Outcome);
        Assert.Equal(Start.AddMinutes(1), _task.State.ExpiresAt);
    }

    [Fact]
    public void IsExpired_PendingTask_NeverWhateverItsRetention()
    {
        _task.Schedule(Definition(null, TimeSpan.FromSeconds(1), dueIn: TimeSpan.FromDays(300)));
        _task.Stored();

        _time.Advance(TimeSpan.FromDays(200));

        Assert.False(_task.IsExpired);
        Assert.Null(_task.State.ExpiresAt);
    }

    [Fact]
    public void IsExpired_FinishedWithoutCallback_OnlyFromExpiresAt()
    {
        Run(Definition(null, TimeSpan.FromSeconds(10)), new TaskResponse(500, null, null));

        _time.Advance(TimeSpan.FromSeconds(9.999));
        Assert.False(_task.IsExpired);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(_task.IsExpired);
    }

    private void Run(TaskDefinition definition, TaskResponse response)
    {
        _task.Schedule(definition);
        _task.Stored();
        _time.Advance(definition.DueAt - _time.GetUtcNow());
        Assert.IsType<TaskDecision.MakeCall>(_task.OnTimer());
        _task.CallStarted(_time.GetUtcNow());
        _time.Advance(TimeSpan.FromMilliseconds(50));
        Assert.IsType<TaskDecision.Finished>(_task.CallFinished(response, random: 0));
    }

    private static TaskDefinition Definition(IReadOnlyList<string>? on, TimeSpan? retention, TimeSpan? dueIn = null) =>
        new("tester", "https://example.com/hook", "POST", null, null, Start, Start + (dueIn ?? TimeSpan.FromSeconds(30)),
            Delivery: new DeliveryPolicy(new RetryPolicy(1, TimeSpan.Zero, 1, TimeSpan.Zero, 0, []), TimeSpan.FromSeconds(30)),
            Callback: on is null ? null : new CompletionCallback("https://example.com/done", on),
            Retention: retention);
}
