using TaskOrchestrator.Tasks;
using TaskOrchestrator.Testing;
using static TaskOrchestrator.Grains.Tests.Tasks.TestTasks;

namespace TaskOrchestrator.Grains.Tests.Tasks;

/// <summary>How a task grain retries failed attempts, times them out, and records each one.</summary>
[Collection(TaskClusterCollection.Name)]
public sealed class TaskGrainRetryTests(TaskClusterFixture fixture)
{
    private RecordingTarget Target => fixture.Target;

    [Fact]
    public async Task FailingAttempts_RetriedWithBackoff_CompletesAndRecordsEachAttempt()
    {
        var url = Target.UrlFor("fail-first/2");
        var grain = fixture.NewTask();

        await grain.ScheduleAsync(WithPolicy(Post(url, In(50)), Retry(maxAttempts: 5, initialMs: 200, coefficient: 2)));

        var final = await grain.WaitUntilFinalAsync();
        Assert.Equal(ScheduledTaskStatus.Completed, final.Status);
        Assert.Equal(3, final.AttemptsStarted);
        Assert.Null(final.NextAttemptAt);
        Assert.Equal([500, 500, 200], final.History!.Select(a => a.StatusCode));
        Assert.Equal([1, 2, 3], final.History!.Select(a => a.Number));
        Assert.All(final.History!, a => Assert.True(a.FinishedAt >= a.StartedAt, $"Attempt {a.Number} finished before it started"));

        // Backoff: 200 ms after the first failure, then 400 ms (no jitter), each counted from the previous attempt's end.
        var calls = Target.CallsTo(url);
        Assert.Equal(3, calls.Count);
        Assert.True(final.History![1].StartedAt - final.History[0].FinishedAt!.Value >= TimeSpan.FromMilliseconds(200), "The first retry came too soon");
        Assert.True(final.History[2].StartedAt - final.History[1].FinishedAt!.Value >= TimeSpan.FromMilliseconds(400), "The second retry came too soon");
        Assert.Equal(["1", "2", "3"], calls.Select(c => c.Headers["TaskOrchestrator-Attempt"]));
        Assert.Equal(calls.Select((_, i) => $"{grain.GetPrimaryKey()}:{i + 1}"), calls.Select(c => c.Headers["Idempotency-Key"]));
    }

    [Fact]
    public async Task FailingAttempts_RetriesExhausted_EndsFailedWithEveryAttempt()
    {
        var url = Target.UrlFor("status/503");
        var grain = fixture.NewTask();

        await grain.ScheduleAsync(WithPolicy(Post(url, In(50)), Retry(maxAttempts: 3, initialMs: 50, coefficient: 1)));

        var final = await grain.WaitUntilFinalAsync();
        Assert.Equal(ScheduledTaskStatus.Failed, final.Status);
        Assert.Equal(3, final.AttemptsStarted);
        Assert.Equal([503, 503, 503], final.History!.Select(a => a.StatusCode));
        Assert.Equal(503, final.Response!.StatusCode);
        Assert.Equal(3, Target.CallsTo(url).Count);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(404)]
    [InlineData(422)]
    public async Task ClientError_NotRetried_EndsFailedAfterOneAttempt(int status)
    {
        var url = Target.UrlFor($"status/{status}");
        var grain = fixture.NewTask();

        await grain.ScheduleAsync(WithPolicy(Post(url, In(50)), Retry(maxAttempts: 5, initialMs: 50, coefficient: 1)));

        var final = await grain.WaitUntilFinalAsync();
        Assert.Equal(ScheduledTaskStatus.Failed, final.Status);
        Assert.Equal(status, Assert.Single(final.History!).StatusCode);
        Assert.Single(Target.CallsTo(url));
    }

    [Fact]
    public async Task TooManyRequests_WithRetryAfter_WaitsAtLeastThatLong()
    {
        // The backoff alone would retry after 50 ms; the target asks for 1 s.
        var url = Target.UrlFor("retry-after/1/1");
        var grain = fixture.NewTask();

        await grain.ScheduleAsync(WithPolicy(Post(url, In(50)), Retry(maxAttempts: 3, initialMs: 50, coefficient: 1)));

        var retrying = await grain.WaitUntilAsync(s => s.NextAttemptAt is not null, "the task to wait for its retry");
        Assert.Equal(ScheduledTaskStatus.Running, retrying.Status);
        Assert.Equal(429, retrying.History![0].StatusCode);
        Assert.True(retrying.NextAttemptAt!.Value - retrying.History[0].FinishedAt!.Value >= TimeSpan.FromSeconds(1), "Retry-After was not honoured");

        var final = await grain.WaitUntilFinalAsync();
        Assert.Equal(ScheduledTaskStatus.Completed, final.Status);
        var calls = Target.CallsTo(url);
        Assert.Equal(2, calls.Count);
        Assert.True(calls[1].ArrivedAt - calls[0].ArrivedAt >= TimeSpan.FromSeconds(1), $"The retry came {(calls[1].ArrivedAt - calls[0].ArrivedAt).TotalMilliseconds:0} ms after a Retry-After of 1 s");
    }

    [Fact]
    public async Task SlowTarget_AttemptTimeout_CancelsTheCallAndRetriesIt()
    {
        var url = Target.UrlFor("slow/10000");
        var grain = fixture.NewTask();
        var policy = new DeliveryPolicy(Retry(maxAttempts: 2, initialMs: 50, coefficient: 1), TimeSpan.FromMilliseconds(300));

        await grain.ScheduleAsync(Post(url, In(50)) with { Delivery = policy });

        // Meanwhile the grain answers at once: a slow target never makes a grain call wait.
        var during = await grain.WaitUntilAsync(s => s.AttemptsStarted == 1 && s.Status == ScheduledTaskStatus.Running, "the first attempt to start");
        Assert.Equal(ScheduledTaskStatus.Running, during.Status);

        var final = await grain.WaitUntilFinalAsync();
        Assert.Equal(ScheduledTaskStatus.Failed, final.Status);
        Assert.Equal(2, final.AttemptsStarted);
        Assert.All(final.History!, a =>
        {
            Assert.Null(a.StatusCode);
            Assert.Contains("300 ms", a.Error);
            Assert.InRange(a.FinishedAt!.Value - a.StartedAt, TimeSpan.FromMilliseconds(280), TimeSpan.FromSeconds(5)); // timers are a few ms coarse
        });
        Assert.Equal(DeliveryFailure.Timeout, final.Response!.Failure);
    }

    [Fact]
    public async Task CancelAsync_WhileWaitingForRetry_StopsTheRetries()
    {
        var url = Target.UrlFor("status/500");
        var grain = fixture.NewTask();

        await grain.ScheduleAsync(WithPolicy(Post(url, In(50)), Retry(maxAttempts: 5, initialMs: 1500, coefficient: 1)));
        var waiting = await grain.WaitUntilAsync(s => s.NextAttemptAt is not null, "the task to wait for its retry");

        var cancelled = await grain.CancelAsync();

        Assert.Equal(TaskCommandOutcome.Ok, cancelled.Outcome);
        Assert.Equal(ScheduledTaskStatus.Cancelled, cancelled.Task!.Status);
        Assert.Null(cancelled.Task.NextAttemptAt);

        // A sentinel due after the retry would have come: once it is called, the retry would have been too.
        var sentinel = Target.UrlFor();
        await fixture.NewTask().ScheduleAsync(Post(sentinel, waiting.NextAttemptAt!.Value.AddMilliseconds(300)));
        await Target.WaitForCallsAsync(sentinel, 1, Wait);
        Assert.Single(Target.CallsTo(url));
    }

    private static TaskDefinition WithPolicy(TaskDefinition task, RetryPolicy retry) =>
        task with { Delivery = new DeliveryPolicy(retry, TimeSpan.FromSeconds(10)) };

    private static RetryPolicy Retry(int maxAttempts, int initialMs, double coefficient) =>
        new(maxAttempts, TimeSpan.FromMilliseconds(initialMs), coefficient, TimeSpan.FromSeconds(30), 0, RetryPolicy.DefaultRetryOn);
}
