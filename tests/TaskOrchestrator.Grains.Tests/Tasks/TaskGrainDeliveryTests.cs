using System.Diagnostics;
using Orleans;
using TaskOrchestrator.Indexing;
using TaskOrchestrator.Listing;
using TaskOrchestrator.Tasks;
using TaskOrchestrator.Testing;
using static TaskOrchestrator.Grains.Tests.Tasks.TestTasks;

namespace TaskOrchestrator.Grains.Tests.Tasks;

/// <summary>When and how a task grain calls its target, and what it records.</summary>
[Collection(TaskClusterCollection.Name)]
public sealed class TaskGrainDeliveryTests(TaskClusterFixture fixture)
{
    private RecordingTarget Target => fixture.Target;

    [Fact]
    public async Task ScheduleAsync_DueSoon_CallsTargetOnceAtDueTime()
    {
        var grain = fixture.NewTask();
        var owner = $"owner-{Guid.NewGuid():N}";
        var url = Target.UrlFor("ok");
        var dueAt = In(200);
        var headers = new Dictionary<string, string> { ["X-Correlation-Id"] = "corr-42", ["Authorization"] = "Bearer abc" };
        var definition = new TaskDefinition(owner, url, "PUT", headers, """{"hello":"world"}""", DateTimeOffset.UtcNow, dueAt);

        var scheduled = await grain.ScheduleAsync(definition);

        Assert.Equal(TaskCommandOutcome.Ok, scheduled.Outcome);
        Assert.Equal(grain.GetPrimaryKey(), scheduled.Task!.Id);
        Assert.Equal(dueAt, scheduled.Task.DueAt);
        Assert.Equal(url, scheduled.Task.Url);

        var call = Assert.Single(await Target.WaitForCallsAsync(url, 1, Wait));
        Assert.Equal("PUT", call.Method);
        Assert.Equal("corr-42", call.Headers["X-Correlation-Id"]);
        Assert.Equal("Bearer abc", call.Headers["Authorization"]);
        Assert.Equal("application/json; charset=utf-8", call.Headers["Content-Type"]);
        Assert.Equal("""{"hello":"world"}""", call.Body);
        Assert.InRange(call.ArrivedAt, dueAt, dueAt + Late);

        var final = await grain.WaitUntilFinalAsync();
        Assert.Equal(ScheduledTaskStatus.Completed, final.Status);
        Assert.Equal(1, final.AttemptsStarted);
        Assert.Equal(200, final.Response!.StatusCode);
        Assert.Equal("ok", final.Response.Body);
        Assert.Null(final.Response.Error);
        Assert.InRange(final.StartedAt!.Value, dueAt, call.ArrivedAt);
        Assert.InRange(final.FinishedAt!.Value, call.ArrivedAt, call.ArrivedAt + Late);

        // A sentinel due after the task's reminder would first have ticked: once it is called, a duplicate would be too.
        var sentinelUrl = Target.UrlFor("ok");
        await fixture.NewTask().ScheduleAsync(Post(sentinelUrl, dueAt + fixture.Scheduling.ReminderGrace + TimeSpan.FromMilliseconds(300)));
        await Target.WaitForCallsAsync(sentinelUrl, 1, Wait);
        Assert.Single(Target.CallsTo(url));

        var indexed = Assert.Single((await fixture.Index.ListAsync(new ListingQuery<ScheduledTaskStatus>(owner, null, 10, null))).Items);
        Assert.Equal(final, indexed);
    }

    [Fact]
    public async Task ScheduleAsync_ManyShortDelays_NeverCallsBeforeDueTime()
    {
        var tasks = Enumerable.Range(0, 20)
            .Select(i => (Grain: fixture.NewTask(), Url: Target.UrlFor("ok"), DelayMs: 50 + (i * 350 / 19)))
            .ToList();

        var results = await Task.WhenAll(tasks.Select(t => t.Grain.ScheduleAsync(Post(t.Url, In(t.DelayMs)))));
        Assert.All(results, r => Assert.Equal(TaskCommandOutcome.Ok, r.Outcome));

        foreach (var (grain, url, delayMs) in tasks)
        {
            var call = Assert.Single(await Target.WaitForCallsAsync(url, 1, Wait));
            var final = await grain.WaitUntilFinalAsync();
            Assert.Equal(ScheduledTaskStatus.Completed, final.Status);
            Assert.Equal(1, final.AttemptsStarted);
            Assert.True(
                call.ArrivedAt >= final.DueAt,
                $"The task due in {delayMs} ms was called {(final.DueAt - call.ArrivedAt).TotalMilliseconds:0.###} ms early.");
            Assert.True(
                final.StartedAt >= final.DueAt,
                $"The task due in {delayMs} ms started {(final.DueAt - final.StartedAt!.Value).TotalMilliseconds:0.###} ms early.");
            Assert.InRange(call.ArrivedAt, final.DueAt, final.DueAt + Late);
        }
    }

    [Fact]
    public async Task ScheduleAsync_TargetAnswers500_EndsFailedWithStatusCode()
    {
        var grain = fixture.NewTask();
        var url = Target.UrlFor("status/500");

        await grain.ScheduleAsync(Post(url, In(50)));

        var final = await grain.WaitUntilFinalAsync();
        Assert.Equal(ScheduledTaskStatus.Failed, final.Status);
        Assert.Equal(500, final.Response!.StatusCode);
        Assert.Equal("status 500", final.Response.Body);
        Assert.Null(final.Response.Error);
        Assert.Equal(1, final.AttemptsStarted);
        Assert.Single(Target.CallsTo(url));
    }

    [Fact]
    public async Task ScheduleAsync_ConnectionRefused_EndsFailedWithError()
    {
        var grain = fixture.NewTask();
        var url = $"http://127.0.0.1:{FreePorts.Consecutive(1)}/closed";
        var dueAt = In(50);

        await grain.ScheduleAsync(Post(url, dueAt));

        var final = await grain.WaitUntilFinalAsync();
        Assert.Equal(ScheduledTaskStatus.Failed, final.Status);
        Assert.Null(final.Response!.StatusCode);
        Assert.Null(final.Response.Body);
        Assert.False(string.IsNullOrWhiteSpace(final.Response.Error));
        Assert.Equal(1, final.AttemptsStarted);
        Assert.True(final.StartedAt >= dueAt, "The attempt started before the due time.");
    }

    [Fact]
    public async Task ScheduleAsync_ActivationLostBeforeDue_ReminderStillRunsTask()
    {
        var grain = fixture.NewTask();
        var url = Target.UrlFor("ok");
        var dueAt = In(300);
        await grain.ScheduleAsync(Post(url, dueAt));

        // The timer dies with the activation; only the reminder can bring the task back.
        await fixture.Cluster.DeactivateAsync(grain);

        var call = Assert.Single(await Target.WaitForCallsAsync(url, 1, Wait));
        Assert.InRange(call.ArrivedAt, dueAt, dueAt + fixture.Scheduling.ReminderGrace + Late);
        var final = await grain.WaitUntilFinalAsync();
        Assert.Equal(ScheduledTaskStatus.Completed, final.Status);
        Assert.Equal(1, final.AttemptsStarted);
    }

    [Fact]
    public async Task GetAsync_DuringSlowCall_ShowsScheduledThenRunningThenCompleted()
    {
        var grain = fixture.NewTask();
        var url = Target.UrlFor("slow/1500");

        var scheduled = await grain.ScheduleAsync(Post(url, In(500)));
        Assert.Equal(ScheduledTaskStatus.Scheduled, scheduled.Task!.Status);
        var waiting = await grain.GetAsync();
        Assert.Equal(ScheduledTaskStatus.Scheduled, waiting!.Status);
        Assert.Equal(0, waiting.AttemptsStarted);
        Assert.Null(waiting.StartedAt);

        var call = Assert.Single(await Target.WaitForCallsAsync(url, 1, Wait));
        var running = await grain.GetAsync();
        Assert.Equal(ScheduledTaskStatus.Running, running!.Status);
        Assert.Equal(1, running.AttemptsStarted);
        Assert.InRange(running.StartedAt!.Value, running.DueAt, call.ArrivedAt);
        Assert.Null(running.FinishedAt);
        Assert.Null(running.Response);

        var final = await grain.WaitUntilFinalAsync();
        Assert.Equal(ScheduledTaskStatus.Completed, final.Status);
        Assert.Equal(200, final.Response!.StatusCode);
        Assert.InRange(final.StartedAt!.Value, final.DueAt, call.ArrivedAt);
        Assert.True(
            final.FinishedAt - call.ArrivedAt >= TimeSpan.FromMilliseconds(1400),
            $"The task finished {(final.FinishedAt - call.ArrivedAt)?.TotalMilliseconds:0} ms after the call arrived; the target takes 1500 ms.");
    }

    [Fact]
    public async Task Store_DuringSlowCall_RecordsRunningOnlyOnceTheCallOutlastsTheRecordDelay()
    {
        var grain = fixture.NewTask();
        var owner = $"owner-{Guid.NewGuid():N}";
        var url = Target.UrlFor("slow/2500");
        var recordDelay = fixture.Scheduling.RunningRecordDelay;
        Assert.True(recordDelay > TimeSpan.Zero && recordDelay < TimeSpan.FromMilliseconds(2000), $"This test needs a record delay well inside the target's 2.5 s, not {recordDelay}.");
        await grain.ScheduleAsync(Post(url, In(100), owner));

        // As the call arrives, the task itself says Running, but its row still says Scheduled: a call that answers
        // within the record delay is stored once, with its result.
        var call = Assert.Single(await Target.WaitForCallsAsync(url, 1, Wait));
        Assert.Equal(ScheduledTaskStatus.Running, (await grain.GetAsync())!.Status);
        var atCall = await StoredAsync(owner);
        Assert.True(
            atCall.Status == ScheduledTaskStatus.Scheduled,
            $"The row said {atCall.Status} {(DateTimeOffset.UtcNow - call.ArrivedAt).TotalMilliseconds:0} ms after the call arrived; Running is stored only after {recordDelay}.");

        // This call outlasts the delay, so Running is stored while it is still in flight.
        var recorded = await Poll.UntilAsync(() => StoredAsync(owner), t => t.Status == ScheduledTaskStatus.Running, TimeSpan.FromSeconds(5), "the row to say Running");
        Assert.Null(recorded.FinishedAt);
        Assert.Equal(1, recorded.AttemptsStarted);
        Assert.Equal(call.ArrivedAt, recorded.StartedAt!.Value, TimeSpan.FromSeconds(1));

        var final = await grain.WaitUntilFinalAsync();
        Assert.Equal(ScheduledTaskStatus.Completed, final.Status);
        Assert.Equal(final, await StoredAsync(owner));
    }

    [Fact]
    public async Task GetAsync_DuringSlowCall_AnswersWithinOneSecond()
    {
        var grain = fixture.NewTask();
        var url = Target.UrlFor("slow/1500");
        await grain.ScheduleAsync(Post(url, In(50)));
        await Target.WaitForCallsAsync(url, 1, Wait);

        var clock = Stopwatch.StartNew();
        var snapshot = await grain.GetAsync();
        clock.Stop();

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"GetAsync took {clock.ElapsedMilliseconds} ms while the call was in flight.");
        Assert.Equal(ScheduledTaskStatus.Running, snapshot!.Status);
        Assert.Null(snapshot.Response);
        Assert.Equal(ScheduledTaskStatus.Completed, (await grain.WaitUntilFinalAsync()).Status);
    }

    private async Task<TaskSnapshot> StoredAsync(string owner) =>
        Assert.Single((await fixture.Index.ListAsync(new ListingQuery<ScheduledTaskStatus>(owner, null, 10, null))).Items);
}
