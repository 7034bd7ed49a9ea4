using System.Net;
using TaskOrchestrator.Server.Tests.Endpoints.Tasks;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Server.Tests.Integration;

/// <summary>Tasks against real Azurite, the real server process and a real HTTP target on 127.0.0.1.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class TaskLifecycleTests(AzuriteFixture fixture) : IAsyncLifetime
{
    private static readonly TimeSpan Tolerance = TimeSpan.FromSeconds(3);
    private ServerProcess _server = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = await fixture.StartServerAsync(fixture.SettingsFor($"lifecycle-{Guid.NewGuid():N}"));
        _client = _server.CreateClient(TestTokens.Create($"user-{Guid.NewGuid():N}"));
    }

    public Task DisposeAsync()
    {
        _client.Dispose();
        return _server.StopAsync();
    }

    [Fact]
    public async Task ScheduledTasks_FireAtTheirTime_NeverEarly()
    {
        var tasks = new List<(string Url, string Id, DateTimeOffset DueAt)>();
        foreach (var delay in new[] { 200, 700, 1200, 1700, 2500 })
        {
            var url = fixture.Target.UrlFor();
            var task = await TaskApi.CreateAsync(_client, new { taskURL = url, delayInMS = delay, body = "payload", headers = new Dictionary<string, string> { ["X-Trace"] = "t1" } });
            tasks.Add((url, (string)task["id"]!, TaskApi.Instant(task["dueAt"])));
        }

        foreach (var (url, id, dueAt) in tasks)
        {
            var call = Assert.Single(await fixture.Target.WaitForCallsAsync(url));
            Assert.True(call.ArrivedAt >= dueAt, $"Task {id} arrived at {call.ArrivedAt:O}, before its due time {dueAt:O}");
            Assert.True(call.ArrivedAt - dueAt < Tolerance, $"Task {id} arrived {(call.ArrivedAt - dueAt).TotalMilliseconds} ms late");
            Assert.Equal("POST", call.Method);
            Assert.Equal("payload", call.Body);
            Assert.Equal("t1", call.Headers["X-Trace"]);

            var done = await Poll.UntilAsync(() => TaskApi.GetAsync(_client, id), t => (string)t["status"]! == "Completed", Tolerance, $"task {id} to complete");
            Assert.True((double)done["latenessMs"]! >= 0);
            Assert.Equal(1, TaskApi.AttemptCount(done));
        }
    }

    [Fact]
    public async Task FailingTarget_TaskEndsFailedWithItsAnswer()
    {
        var url = fixture.Target.UrlFor("status/503");
        var id = (string)(await TaskApi.CreateAsync(_client, new { taskURL = url, delayInMS = 100, retry = new { maxAttempts = 1 } }))["id"]!;
        var failed = await Poll.UntilAsync(() => TaskApi.GetAsync(_client, id), t => (string)t["status"]! == "Failed", TimeSpan.FromSeconds(10), "the task to fail");
        Assert.Equal(503, (int)failed["response"]!["statusCode"]!);
        Assert.Equal("status 503", (string)failed["response"]!["body"]!);
        Assert.Single(fixture.Target.CallsTo(url));
    }

    [Fact]
    public async Task CancelledTask_IsNeverCalled()
    {
        var url = fixture.Target.UrlFor();
        // Time enough to cancel it on a loaded machine (800 ms was not, at a load average of 12 on 2 cores).
        var id = (string)(await TaskApi.CreateAsync(_client, new { taskURL = url, delayInMS = 5000 }))["id"]!;
        using (var cancel = await _client.PutAsync($"/tasks/{id}/cancel", null))
        {
            Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        }

        var sentinel = fixture.Target.UrlFor();
        await TaskApi.CreateAsync(_client, new { taskURL = sentinel, delayInMS = 5700 });
        await fixture.Target.WaitForCallsAsync(sentinel);
        Assert.Empty(fixture.Target.CallsTo(url));
        Assert.Equal("Cancelled", await TaskApi.StatusAsync(_client, id));
    }

    [Fact]
    public async Task ModifiedTask_FiresAtTheNewTimeOnly()
    {
        var later = fixture.Target.UrlFor();
        var sooner = fixture.Target.UrlFor();
        // Postponed right after it is created, with seconds to spare: a PATCH that came after the first due time (a busy
        // machine) would rightly be refused with 409.
        var laterId = (string)(await TaskApi.CreateAsync(_client, new { taskURL = later, delayInMS = 4000 }))["id"]!;
        using var postpone = await _client.PatchAsync($"/tasks/{laterId}", TaskApi.Json("""{"delayInMS":6000}"""));
        Assert.True(postpone.StatusCode == HttpStatusCode.OK, $"PATCH answered {(int)postpone.StatusCode}: {await postpone.Content.ReadAsStringAsync()}");
        var laterDue = TaskApi.Instant((await TaskApi.GetAsync(_client, laterId))["dueAt"]);
        var soonerId = (string)(await TaskApi.CreateAsync(_client, new { taskURL = sooner, delayInMS = 600_000 }))["id"]!;
        using var advance = await _client.PatchAsync($"/tasks/{soonerId}", TaskApi.Json("""{"delayInMS":2000}"""));
        Assert.True(advance.StatusCode == HttpStatusCode.OK, $"PATCH answered {(int)advance.StatusCode}: {await advance.Content.ReadAsStringAsync()}");
        var soonerDue = TaskApi.Instant((await TaskApi.GetAsync(_client, soonerId))["dueAt"]);

        var soonerCall = Assert.Single(await fixture.Target.WaitForCallsAsync(sooner));
        Assert.True(soonerCall.ArrivedAt >= soonerDue && soonerCall.ArrivedAt - soonerDue < Tolerance, $"sooner arrived at {soonerCall.ArrivedAt:O}, due {soonerDue:O}");
        var laterCall = Assert.Single(await fixture.Target.WaitForCallsAsync(later));
        Assert.True(laterCall.ArrivedAt >= laterDue && laterCall.ArrivedAt - laterDue < Tolerance, $"later arrived at {laterCall.ArrivedAt:O}, due {laterDue:O}");
    }
}
