using System.Net.Http.Json;
using System.Text.Json.Nodes;
using TaskOrchestrator.Server.Tests.Endpoints.Tasks;
using TaskOrchestrator.Server.Tests.Telemetry;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Server.Tests.Integration;

/// <summary>Nothing scheduled is lost when the server process stops or dies: it is all in Azure Storage.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class RestartTests(AzuriteFixture fixture)
{
    [Fact]
    public async Task StoppedServer_AfterRestart_FiresOverdueAtOnceAndPendingOnTime()
    {
        var settings = fixture.SettingsFor($"restart-{Guid.NewGuid():N}");
        var token = TestTokens.Create($"user-{Guid.NewGuid():N}");
        var overdueUrl = fixture.Target.UrlFor();
        var pendingUrl = fixture.Target.UrlFor();
        string overdueId, pendingId;
        DateTimeOffset overdueDue, pendingDue;

        var first = await fixture.StartServerAsync(settings);
        using (var client = first.CreateClient(token))
        {
            // Due after the server has stopped (on a loaded 2-core machine, creating both tasks and stopping took up to 7 s),
            // and the pending one 25 s after that, time enough for the restart.
            var overdue = await TaskApi.CreateAsync(client, new { taskURL = overdueUrl, delayInMS = 10_000 });
            var pending = await TaskApi.CreateAsync(client, new { taskURL = pendingUrl, delayInMS = 35_000 });
            (overdueId, overdueDue) = ((string)overdue["id"]!, TaskApi.Instant(overdue["dueAt"]));
            (pendingId, pendingDue) = ((string)pending["id"]!, TaskApi.Instant(pending["dueAt"]));
        }

        await first.StopAsync();
        Assert.True(DateTimeOffset.UtcNow < overdueDue, $"The server took until {DateTimeOffset.UtcNow:O} to stop, past the first task's due time {overdueDue:O}: nothing here tests a restart.");
        await Poll.UntilAsync(() => DateTimeOffset.UtcNow > overdueDue.AddSeconds(1), TimeSpan.FromSeconds(20), "the first task to become overdue");
        Assert.Empty(fixture.Target.CallsTo(overdueUrl));

        var second = await fixture.StartServerAsync(settings);
        var startedAt = DateTimeOffset.UtcNow;
        using var after = second.CreateClient(token);

        var overdueCall = Assert.Single(await fixture.Target.WaitForCallsAsync(overdueUrl, timeout: TimeSpan.FromSeconds(20)));
        Assert.True(overdueCall.ArrivedAt - startedAt < TimeSpan.FromSeconds(15), $"The overdue task fired {(overdueCall.ArrivedAt - startedAt).TotalSeconds:0.0} s after the restart");

        var pendingCall = Assert.Single(await fixture.Target.WaitForCallsAsync(pendingUrl, timeout: TimeSpan.FromSeconds(40)));
        Assert.True(pendingCall.ArrivedAt >= pendingDue, $"The pending task fired early: {pendingCall.ArrivedAt:O} < {pendingDue:O}");
        Assert.True(pendingCall.ArrivedAt - pendingDue < TimeSpan.FromSeconds(3), $"The pending task fired {(pendingCall.ArrivedAt - pendingDue).TotalMilliseconds} ms late");

        await Poll.UntilAsync(async () => await TaskApi.StatusAsync(after, pendingId) == "Completed", TimeSpan.FromSeconds(10), "the pending task to complete");
        var listed = await after.GetFromJsonAsync<JsonArray>("/tasks?status=completed");
        Assert.Equal([pendingId, overdueId], listed!.Select(t => (string)t!["id"]!));
        await second.StopAsync();
    }

    [Fact]
    public async Task KilledServer_WhileTaskRunning_RetriesTheAttemptAfterRestart()
    {
        var settings = fixture.SettingsFor($"crash-{Guid.NewGuid():N}");
        var token = TestTokens.Create($"user-{Guid.NewGuid():N}");
        var url = fixture.Target.UrlFor("slow/3000");

        var first = await fixture.StartServerAsync(settings);
        string id;
        using (var client = first.CreateClient(token))
        {
            id = (string)(await TaskApi.CreateAsync(client, new { taskURL = url, delayInMS = 200 }))["id"]!;
            await fixture.Target.WaitForCallsAsync(url);

            // The listing shows Running once the attempt's "Running" write (state and index together) has landed.
            await Poll.UntilAsync(
                async () => (await client.GetFromJsonAsync<JsonArray>("/tasks?status=Running"))!.Any(t => (string)t!["id"]! == id),
                TimeSpan.FromSeconds(5), "the task to be recorded as Running");
        }

        await first.KillAsync();

        var second = await fixture.StartServerAsync(settings);
        using var after = second.CreateClient(token);
        var calls = await fixture.Target.WaitForCallsAsync(url, count: 2, timeout: TimeSpan.FromSeconds(60));
        Assert.Equal(2, calls.Count);
        var done = await Poll.UntilAsync(() => TaskApi.GetAsync(after, id), t => (string)t["status"]! == "Completed", TimeSpan.FromSeconds(15), "the retried task to complete");
        Assert.Equal(2, TaskApi.AttemptCount(done));

        // The new node made the interrupted attempt again: one retry in its metrics, and no first-attempt lateness.
        var metrics = await Poll.UntilAsync(
            () => PrometheusScrape.ScrapeAsync(second.BaseAddress), m => m.Value("taskorchestrator_tasks_succeeded_total") >= 1,
            TimeSpan.FromSeconds(5), "the retried task in /metrics");
        Assert.Equal(1, metrics.Value("taskorchestrator_tasks_retried_total"));
        Assert.Equal(1, metrics.Value("taskorchestrator_tasks_fired_total"));
        Assert.Equal(0, metrics.Value("taskorchestrator_tasks_firing_lateness_milliseconds_count"));
        await second.StopAsync();
    }
}
