using TaskOrchestrator.Client.Orchestrations;
using TaskOrchestrator.Client.Tasks;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Client.Tests;

/// <summary>The orchestration calls of the typed client against the real server.</summary>
[Collection(ClientServerCollection.Name)]
public sealed class TaskOrchestratorClientOrchestrationTests(ClientServerFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly ITaskOrchestratorClient _client = fixture.CreateClient();

    [Fact]
    public async Task ScheduleOrchestrationAsync_Retention_ReportsWhenItExpiresOnceFinished()
    {
        var created = await _client.ScheduleOrchestrationAsync(new OrchestrationDefinition
        {
            Tasks = [new() { Url = new Uri(fixture.Target.UrlFor()) }],
            Retention = TimeSpan.FromMinutes(10),
        });
        Assert.Null(created.ExpiresAt);

        await Poll.UntilAsync(
            async () => (await _client.GetOrchestrationStatusAsync(created.Id)).Status == OrchestrationStatus.Completed, Timeout, "the orchestration to complete");
        var done = await _client.GetOrchestrationAsync(created.Id);

        Assert.Equal(done.FinishedAt + TimeSpan.FromMinutes(10), done.ExpiresAt);
        var listed = await _client.ListOrchestrationsAsync(OrchestrationStatus.Completed).FirstAsync(o => o.Id == created.Id);
        Assert.Equal(done.ExpiresAt, listed.ExpiresAt);
    }

    [Fact]
    public async Task ScheduleOrchestrationAsync_TwoStepsWithCheck_RunsBothAndCompletes()
    {
        var step1 = new Uri(fixture.Target.UrlFor());
        var step2 = new Uri(fixture.Target.UrlFor());
        var check = new Uri(fixture.Target.UrlFor("pass-after/1"));
        var created = await _client.ScheduleOrchestrationAsync(new OrchestrationDefinition
        {
            InitialDelay = TimeSpan.FromMilliseconds(200),
            Tasks = [new() { Url = step1 }, new() { Url = step2, Method = "PUT", Body = "{}" }],
            ConditionCheck = new() { Url = check, Retries = 2, RetryDelay = TimeSpan.FromMilliseconds(100) },
        });
        Assert.Equal(OrchestrationStatus.Scheduled, created.Status);
        Assert.Equal(TimeSpan.FromMilliseconds(200), created.InitialDelay);
        Assert.Equal([step1, step2], created.Steps.Select(s => s.Url));

        await Poll.UntilAsync(
            async () => (await _client.GetOrchestrationStatusAsync(created.Id)).Status == OrchestrationStatus.Completed, Timeout, "the orchestration to complete");
        var done = await _client.GetOrchestrationAsync(created.Id);
        Assert.All(done.Steps, s => Assert.Equal(OrchestrationStepStatus.Passed, s.Status));
        Assert.Equal("PUT", done.Steps[1].Method);

        // The check failed once, then passed on its first retry, after step 1; after step 2 it passed at once.
        Assert.Equal([false, true], done.Steps[0].ConditionCheck!.Attempts.Select(a => a.Passed));
        Assert.Equal(TimeSpan.FromMilliseconds(100), done.Steps[0].ConditionCheck!.RetryDelay);
        var stepTask = await _client.GetAsync(done.Steps[0].TaskId!.Value);
        Assert.Equal(created.Id, stepTask.OrchestrationId);
        Assert.Equal(ScheduledTaskStatus.Completed, stepTask.Status);
    }

    [Fact]
    public async Task ScheduleOrchestrationAsync_Callback_ReportsItAndItsDelivery()
    {
        var callbackUrl = new Uri(fixture.Target.UrlFor());
        var created = await _client.ScheduleOrchestrationAsync(new OrchestrationDefinition
        {
            InitialDelay = TimeSpan.FromMilliseconds(100),
            Tasks = [new() { Url = new Uri(fixture.Target.UrlFor()) }],
            Callback = new Callbacks.CompletionCallback { Url = callbackUrl, On = ["completed"] },
        });
        Assert.Equal(callbackUrl, created.Callback?.Url);
        Assert.Equal(["completed"], created.Callback?.On);
        Assert.Null(created.CallbackDelivery);

        await fixture.Target.WaitForCallsAsync(callbackUrl.ToString());
        var done = await Poll.UntilAsync(
            () => _client.GetOrchestrationAsync(created.Id), o => o.CallbackDelivery?.Status == "Delivered", Timeout, "the orchestration's callback to be delivered");

        Assert.Equal(OrchestrationStatus.Completed, done.Status);
        Assert.Equal(("completed", 1, 200), (done.CallbackDelivery!.Outcome, done.CallbackDelivery.Attempts, done.CallbackDelivery.LastStatusCode));
    }

    [Fact]
    public async Task ModifyAndCancelOrchestrationAsync_BeforeStart_MoveThenCancelEverything()
    {
        var created = await _client.ScheduleOrchestrationAsync(new OrchestrationDefinition
        {
            InitialDelay = TimeSpan.FromMinutes(10),
            Tasks = [new() { Url = new Uri(fixture.Target.UrlFor()) }],
        });

        var moved = await _client.ModifyOrchestrationAsync(created.Id, TimeSpan.FromMinutes(30));
        Assert.Equal(created.CreatedAt.AddMinutes(30), moved.StartAt);

        var newUrl = new Uri(fixture.Target.UrlFor());
        var redefined = await _client.ModifyOrchestrationAsync(created.Id, new OrchestrationDefinition { Tasks = [new() { Url = newUrl }] });
        Assert.Equal(newUrl, Assert.Single(redefined.Steps).Url);
        Assert.Equal(moved.StartAt, redefined.StartAt);

        var cancelled = await _client.CancelOrchestrationAsync(created.Id);
        Assert.Equal(OrchestrationStatus.Cancelled, cancelled.Status);
        var progress = await _client.GetOrchestrationStatusAsync(created.Id);
        Assert.Equal(new OrchestrationProgress(created.Id, OrchestrationStatus.Cancelled, null, 0), progress);
        await Assert.ThrowsAsync<TaskOrchestratorConflictException>(() => _client.ModifyOrchestrationAsync(created.Id, TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public async Task ScheduleOrchestrationAsync_NoTasks_ThrowsValidationException()
    {
        var error = await Assert.ThrowsAsync<TaskOrchestratorValidationException>(
            () => _client.ScheduleOrchestrationAsync(new OrchestrationDefinition { Tasks = [] }));
        Assert.Contains("tasks", error.Errors.Keys);
    }

    [Fact]
    public async Task ListOrchestrationsAsync_ByStatusInPages_ReturnsTheSubjectsNewestFirst()
    {
        var client = fixture.CreateClient();
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            var created = await client.ScheduleOrchestrationAsync(new OrchestrationDefinition
            {
                InitialDelay = TimeSpan.FromMinutes(10),
                Tasks = [new() { Url = new Uri(fixture.Target.UrlFor()) }],
            });
            ids.Add(created.Id);
        }

        await client.CancelOrchestrationAsync(ids[0]);
        Assert.Equal([ids[0]], await client.ListOrchestrationsAsync(OrchestrationStatus.Cancelled, pageSize: 1).Select(o => o.Id).ToListAsync());
        var all = await client.GetAllOrchestrationsAsync();
        Assert.Equal(Enumerable.Reverse(ids), all.Select(o => o.Id));
        Assert.All(all, o => Assert.Equal(1, o.TaskCount));
        Assert.Equal([ids[2], ids[1]], await client.ListOrchestrationsAsync(OrchestrationStatus.Scheduled, pageSize: 1).Select(o => o.Id).ToListAsync());
        foreach (var id in ids.Skip(1))
        {
            await client.CancelOrchestrationAsync(id);
        }
    }
}
