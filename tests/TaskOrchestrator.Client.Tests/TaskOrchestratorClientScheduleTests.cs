using TaskOrchestrator.Client.Schedules;
using TaskOrchestrator.Client.Tasks;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Client.Tests;

/// <summary>The recurring-schedule calls of the typed client against the real server.</summary>
[Collection(ClientServerCollection.Name)]
public sealed class TaskOrchestratorClientScheduleTests(ClientServerFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly ITaskOrchestratorClient _client = fixture.CreateClient();

    [Fact]
    public async Task CreateScheduleAsync_Callback_ReturnedAndEachRunReportsToIt()
    {
        var callbackUrl = new Uri(fixture.Target.UrlFor());
        var created = await _client.CreateScheduleAsync(new RecurringScheduleDefinition
        {
            Cron = "@yearly",
            Task = new() { Url = new Uri(fixture.Target.UrlFor()) },
            Callback = new Callbacks.CompletionCallback { Url = callbackUrl },
        });
        Assert.Equal(callbackUrl, created.Callback?.Url);
        Assert.Equal(["completed", "failed", "cancelled"], created.Callback?.On);

        var run = await _client.TriggerScheduleAsync(created.Id);
        await fixture.Target.WaitForCallsAsync(callbackUrl.ToString(), 1, Timeout);
        var task = await Poll.UntilAsync(() => _client.GetAsync(run.TaskId!.Value), t => t.CallbackDelivery?.Status == "Delivered", Timeout, "the run's callback to be delivered");

        Assert.Equal(callbackUrl, task.Callback?.Url);
        await _client.DeleteScheduleAsync(created.Id);
    }

    [Fact]
    public async Task CreateScheduleAsync_EverySecond_RunsAreListedThenDeleteStopsIt()
    {
        var url = new Uri(fixture.Target.UrlFor());
        var created = await _client.CreateScheduleAsync(new RecurringScheduleDefinition
        {
            Every = TimeSpan.FromSeconds(1),
            Overlap = ScheduleOverlap.Allow,
            CatchUp = ScheduleCatchUp.None,
            Task = new() { Url = url, Method = "PUT", Timeout = TimeSpan.FromSeconds(5) },
        });
        Assert.Equal(RecurringScheduleStatus.Active, created.Status);
        Assert.Equal(TimeSpan.FromSeconds(1), created.Every);
        Assert.Equal(ScheduleOverlap.Allow, created.Overlap);
        Assert.Equal(ScheduleCatchUp.None, created.CatchUp);
        Assert.Equal(url, created.Task!.Url);
        Assert.Equal(5, created.NextRuns.Count);

        await fixture.Target.WaitForCallsAsync(url.ToString(), 2, Timeout);
        var runs = await _client.ListScheduleRunsAsync(created.Id).ToListAsync();
        Assert.True(runs.Count >= 2, $"{runs.Count} runs listed");
        Assert.All(runs, r => Assert.Equal(created.Id, r.ScheduleId));
        Assert.All(runs, r => Assert.Equal(r.ScheduledFor, r.DueAt));

        await _client.DeleteScheduleAsync(created.Id);
        await Assert.ThrowsAsync<TaskOrchestratorNotFoundException>(() => _client.GetScheduleAsync(created.Id));
    }

    [Fact]
    public async Task PauseResumeTriggerUpdate_RoundTrip()
    {
        var created = await _client.CreateScheduleAsync(new RecurringScheduleDefinition
        {
            Cron = "0 9 * * 1-5", TimeZone = "Europe/Berlin", Paused = true, Task = new() { Url = new Uri(fixture.Target.UrlFor()) },
        });
        Assert.Equal(RecurringScheduleStatus.Paused, created.Status);
        Assert.Empty(created.NextRuns);

        var run = await _client.TriggerScheduleAsync(created.Id);
        Assert.True(run.Triggered);
        var task = await _client.GetAsync(run.TaskId!.Value);
        Assert.Equal(created.Id, task.ScheduleId);

        var resumed = await _client.ResumeScheduleAsync(created.Id);
        Assert.Equal(RecurringScheduleStatus.Active, resumed.Status);
        Assert.All(resumed.NextRuns, n => Assert.Equal(9, n.Hour));

        var changed = await _client.UpdateScheduleAsync(created.Id, new RecurringScheduleDefinition { Cron = "30 7 * * *" });
        Assert.Equal("30 7 * * *", changed.Cron);
        Assert.Equal(RecurringScheduleStatus.Paused, (await _client.PauseScheduleAsync(created.Id)).Status);
        Assert.Contains(await _client.ListSchedulesAsync(RecurringScheduleStatus.Paused).ToListAsync(), s => s.Id == created.Id);
    }

    [Fact]
    public async Task CreateScheduleAsync_UnreadableCron_ThrowsValidationNamingTheField()
    {
        var error = await Assert.ThrowsAsync<TaskOrchestratorValidationException>(() => _client.CreateScheduleAsync(new RecurringScheduleDefinition
        {
            Cron = "61 * * * *", Task = new() { Url = new Uri(fixture.Target.UrlFor()) },
        }));

        Assert.Contains("cron", error.Errors.Keys);
    }
}
