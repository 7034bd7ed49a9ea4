using TaskOrchestrator.Tasks;
using TaskOrchestrator.Testing;
using static TaskOrchestrator.Grains.Tests.Tasks.TestTasks;

namespace TaskOrchestrator.Grains.Tests.Tasks;

/// <summary>Schedule, cancel and reschedule: what each answers in each state, and what the target sees.</summary>
[Collection(TaskClusterCollection.Name)]
public sealed class TaskGrainCommandTests(TaskClusterFixture fixture)
{
    private RecordingTarget Target => fixture.Target;

    [Fact]
    public async Task CancelAsync_BeforeDue_CancelsAndNeverCallsTarget()
    {
        var grain = fixture.NewTask();
        var url = Target.UrlFor("ok");
        var dueAt = In(500);
        await grain.ScheduleAsync(Post(url, dueAt));

        var cancelled = await grain.CancelAsync();

        Assert.Equal(TaskCommandOutcome.Ok, cancelled.Outcome);
        Assert.Equal(ScheduledTaskStatus.Cancelled, cancelled.Task!.Status);
        Assert.NotNull(cancelled.Task.FinishedAt);

        // A sentinel due later on the same target: once it is called, the cancelled task's time is well past.
        var sentinelUrl = Target.UrlFor("ok");
        await fixture.NewTask().ScheduleAsync(Post(sentinelUrl, dueAt + TimeSpan.FromMilliseconds(300)));
        await Target.WaitForCallsAsync(sentinelUrl, 1, Wait);

        Assert.Empty(Target.CallsTo(url));
        var after = await grain.GetAsync();
        Assert.Equal(ScheduledTaskStatus.Cancelled, after!.Status);
        Assert.Equal(0, after.AttemptsStarted);
        Assert.Null(after.StartedAt);
        Assert.Null(after.Response);
    }

    [Fact]
    public async Task CancelAsync_Twice_ReturnsOkBothTimes()
    {
        var grain = fixture.NewTask();
        await grain.ScheduleAsync(Post(Target.UrlFor("ok"), In(30_000)));

        var first = await grain.CancelAsync();
        var second = await grain.CancelAsync();

        Assert.Equal(TaskCommandOutcome.Ok, first.Outcome);
        Assert.Equal(TaskCommandOutcome.Ok, second.Outcome);
        Assert.Equal(ScheduledTaskStatus.Cancelled, second.Task!.Status);
        Assert.Equal(first.Task!.FinishedAt, second.Task.FinishedAt);
    }

    [Fact]
    public async Task CancelAsync_WhileRunning_ReturnsConflictAndTaskCompletes()
    {
        var grain = fixture.NewTask();
        var url = Target.UrlFor("slow/1500");
        await grain.ScheduleAsync(Post(url, In(50)));
        await Target.WaitForCallsAsync(url, 1, Wait);

        var cancel = await grain.CancelAsync();

        Assert.Equal(TaskCommandOutcome.Conflict, cancel.Outcome);
        Assert.Equal(ScheduledTaskStatus.Running, cancel.Task!.Status);
        Assert.False(string.IsNullOrWhiteSpace(cancel.Reason));
        var final = await grain.WaitUntilFinalAsync();
        Assert.Equal(ScheduledTaskStatus.Completed, final.Status);
        Assert.Equal(200, final.Response!.StatusCode);
        Assert.Single(Target.CallsTo(url));
    }

    [Fact]
    public async Task CancelAsync_AfterCompleted_ReturnsConflict()
    {
        var grain = fixture.NewTask();
        await grain.ScheduleAsync(Post(Target.UrlFor("ok"), DateTimeOffset.UtcNow));
        var completed = await grain.WaitUntilFinalAsync();

        var cancel = await grain.CancelAsync();

        Assert.Equal(TaskCommandOutcome.Conflict, cancel.Outcome);
        Assert.Equal(ScheduledTaskStatus.Completed, cancel.Task!.Status);
        Assert.Equal(completed, await grain.GetAsync());
    }

    [Fact]
    public async Task RescheduleAsync_ToLaterTime_FiresAtNewTimeOnly()
    {
        var grain = fixture.NewTask();
        var url = Target.UrlFor("ok");
        var oldDueAt = In(500);
        await grain.ScheduleAsync(Post(url, oldDueAt));
        var newDueAt = oldDueAt + TimeSpan.FromMilliseconds(500);

        var rescheduled = await grain.RescheduleAsync(newDueAt);

        Assert.Equal(TaskCommandOutcome.Ok, rescheduled.Outcome);
        Assert.Equal(ScheduledTaskStatus.Scheduled, rescheduled.Task!.Status);
        Assert.Equal(newDueAt, rescheduled.Task.DueAt);

        var call = Assert.Single(await Target.WaitForCallsAsync(url, 1, Wait));
        Assert.InRange(call.ArrivedAt, newDueAt, newDueAt + Late);
        var final = await grain.WaitUntilFinalAsync();
        Assert.Equal(ScheduledTaskStatus.Completed, final.Status);
        Assert.Equal(newDueAt, final.DueAt);
        Assert.True(final.StartedAt >= newDueAt, "The attempt started before the new due time.");
        Assert.Equal(1, final.AttemptsStarted);
        Assert.Single(Target.CallsTo(url));
    }

    [Fact]
    public async Task RescheduleAsync_ToPastTime_RunsPromptly()
    {
        var grain = fixture.NewTask();
        var url = Target.UrlFor("ok");
        // Far enough that the grain lets its activation go and relies on its reminder.
        await grain.ScheduleAsync(Post(url, DateTimeOffset.UtcNow.AddMinutes(10)));

        var requestedAt = DateTimeOffset.UtcNow;
        var rescheduled = await grain.RescheduleAsync(requestedAt.AddMinutes(-1));

        Assert.Equal(TaskCommandOutcome.Ok, rescheduled.Outcome);
        var call = Assert.Single(await Target.WaitForCallsAsync(url, 1, Wait));
        Assert.InRange(call.ArrivedAt, requestedAt, requestedAt + Late);
        var final = await grain.WaitUntilFinalAsync();
        Assert.Equal(ScheduledTaskStatus.Completed, final.Status);
        Assert.Equal(1, final.AttemptsStarted);
    }

    [Fact]
    public async Task RescheduleAsync_AfterCompleted_ReturnsConflict()
    {
        var grain = fixture.NewTask();
        var url = Target.UrlFor("ok");
        await grain.ScheduleAsync(Post(url, DateTimeOffset.UtcNow));
        var completed = await grain.WaitUntilFinalAsync();

        var reschedule = await grain.RescheduleAsync(In(100));

        Assert.Equal(TaskCommandOutcome.Conflict, reschedule.Outcome);
        Assert.Equal(ScheduledTaskStatus.Completed, reschedule.Task!.Status);
        Assert.Equal(completed.DueAt, reschedule.Task.DueAt);
        Assert.False(string.IsNullOrWhiteSpace(reschedule.Reason));
        Assert.Single(Target.CallsTo(url));
    }

    [Fact]
    public async Task ScheduleAsync_SameIdTwice_ReturnsConflictAndKeepsFirstTask()
    {
        var grain = fixture.NewTask();
        var firstUrl = Target.UrlFor("ok");
        var firstDueAt = In(60_000);
        await grain.ScheduleAsync(Post(firstUrl, firstDueAt));

        var second = await grain.ScheduleAsync(Post(Target.UrlFor("ok"), In(100)));

        Assert.Equal(TaskCommandOutcome.Conflict, second.Outcome);
        Assert.Equal(firstUrl, second.Task!.Url);
        Assert.Equal(firstDueAt, second.Task.DueAt);
        Assert.Equal(ScheduledTaskStatus.Scheduled, second.Task.Status);
        Assert.False(string.IsNullOrWhiteSpace(second.Reason));
        Assert.Equal(TaskCommandOutcome.Ok, (await grain.CancelAsync()).Outcome);
    }

    [Fact]
    public async Task ScheduleAsync_AfterTaskFinished_ReturnsConflict()
    {
        var grain = fixture.NewTask();
        var url = Target.UrlFor("status/500");
        await grain.ScheduleAsync(Post(url, DateTimeOffset.UtcNow));
        await grain.WaitUntilFinalAsync();

        var again = await grain.ScheduleAsync(Post(url, DateTimeOffset.UtcNow));

        Assert.Equal(TaskCommandOutcome.Conflict, again.Outcome);
        Assert.Equal(ScheduledTaskStatus.Failed, again.Task!.Status);
        Assert.Single(Target.CallsTo(url));
    }

    [Fact]
    public async Task GetAsync_UnknownId_ReturnsNull()
    {
        Assert.Null(await fixture.NewTask().GetAsync());
    }

    [Fact]
    public async Task CancelAsync_UnknownId_ReturnsNotFound()
    {
        var grain = fixture.NewTask();

        var result = await grain.CancelAsync();

        Assert.Equal(TaskCommandOutcome.NotFound, result.Outcome);
        Assert.Null(result.Task);
        Assert.Null(await grain.GetAsync());
    }

    [Fact]
    public async Task RescheduleAsync_UnknownId_ReturnsNotFound()
    {
        var grain = fixture.NewTask();

        var result = await grain.RescheduleAsync(In(100));

        Assert.Equal(TaskCommandOutcome.NotFound, result.Outcome);
        Assert.Null(result.Task);
        Assert.Null(await grain.GetAsync());
    }
}
