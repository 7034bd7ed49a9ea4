using System.Net;
using TaskOrchestrator.Client.Callbacks;
using TaskOrchestrator.Client.Tasks;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Client.Tests;

/// <summary>The task calls of the typed client against the real server.</summary>
[Collection(ClientServerCollection.Name)]
public sealed class TaskOrchestratorClientTests(ClientServerFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private readonly ITaskOrchestratorClient _client = fixture.CreateClient();

    [Fact]
    public async Task ScheduleAsync_UrlAndDelay_FiresAndReportsCompleted()
    {
        var url = new Uri(fixture.Target.UrlFor());
        var task = await _client.ScheduleAsync(url, TimeSpan.FromMilliseconds(300));
        Assert.Equal(url, task.Url);
        Assert.Equal("POST", task.Method);
        Assert.Equal(TimeSpan.FromMilliseconds(300), task.Delay);
        Assert.Equal(task.CreatedAt.AddMilliseconds(300), task.DueAt);
        Assert.Equal(ScheduledTaskStatus.Scheduled, task.Status);

        var call = Assert.Single(await fixture.Target.WaitForCallsAsync(url.ToString()));
        Assert.True(call.ArrivedAt >= task.DueAt, $"The call arrived {(task.DueAt - call.ArrivedAt).TotalMilliseconds} ms early");
        await Poll.UntilAsync(async () => await _client.GetStatusAsync(task.Id) == ScheduledTaskStatus.Completed, Timeout, "the task to complete");

        var done = await _client.GetAsync(task.Id);
        Assert.Single(done.Attempts);
        Assert.Equal(200, done.Response?.StatusCode);
        Assert.Equal("ok", done.Response?.Body);
        Assert.NotNull(done.LatenessMs);
    }

    [Fact]
    public async Task ScheduleAsync_CallbackAndRetention_ReportsTheDeliveryAndWhenItExpires()
    {
        var callbackUrl = new Uri(fixture.Target.UrlFor());
        var task = await _client.ScheduleAsync(new Uri(fixture.Target.UrlFor()), new ScheduleOptions
        {
            Delay = TimeSpan.FromMilliseconds(100),
            Callback = new CompletionCallback { Url = callbackUrl, On = ["completed"] },
            Retention = TimeSpan.FromMinutes(10),
        });
        Assert.Equal(callbackUrl, task.Callback?.Url);
        Assert.Equal(["completed"], task.Callback?.On);
        Assert.Null(task.ExpiresAt);

        await fixture.Target.WaitForCallsAsync(callbackUrl.ToString());
        var done = await Poll.UntilAsync(() => _client.GetAsync(task.Id), t => t.CallbackDelivery?.Status == "Delivered", Timeout, "the callback to be delivered");

        Assert.Equal(ScheduledTaskStatus.Completed, done.Status);
        Assert.Equal(1, done.CallbackDelivery!.Attempts);
        Assert.Equal(200, done.CallbackDelivery.LastStatusCode);
        Assert.Equal(done.FinishedAt + TimeSpan.FromMinutes(10), done.ExpiresAt);
    }

    [Fact]
    public async Task ScheduleAsync_SameIdempotencyKeyTwice_ReturnsTheSameTaskWithItsRetryPolicy()
    {
        var url = new Uri(fixture.Target.UrlFor("fail-first/1"));
        var options = new ScheduleOptions
        {
            Delay = TimeSpan.FromMilliseconds(100),
            IdempotencyKey = $"order-{Guid.NewGuid():N}",
            Retry = new RetrySettings { MaxAttempts = 2, InitialDelay = TimeSpan.FromMilliseconds(100) },
            Timeout = TimeSpan.FromSeconds(5),
        };

        var first = await _client.ScheduleAsync(url, options);
        var again = await _client.ScheduleAsync(url, options);

        Assert.Equal(first.Id, again.Id);
        await Poll.UntilAsync(async () => await _client.GetStatusAsync(first.Id) == ScheduledTaskStatus.Completed, Timeout, "the task to complete on its retry");
        var done = await _client.GetAsync(first.Id);
        Assert.Equal([500, 200], done.Attempts.Select(a => a.StatusCode));
        Assert.Equal(2, fixture.Target.CallsTo(url.ToString()).Count);
    }

    [Fact]
    public async Task ScheduleAsync_WithOptions_SendsMethodHeadersAndBodyAtRunAt()
    {
        var url = new Uri(fixture.Target.UrlFor());
        var runAt = DateTimeOffset.UtcNow.AddMilliseconds(400);
        var task = await _client.ScheduleAsync(url, new ScheduleOptions
        {
            RunAt = runAt,
            Method = "PUT",
            Headers = new Dictionary<string, string> { ["X-Request-Kind"] = "client-test" },
            Body = """{"n":1}""",
        });
        Assert.Equal(runAt, task.DueAt);
        Assert.Equal("PUT", task.Method);

        var call = Assert.Single(await fixture.Target.WaitForCallsAsync(url.ToString()));
        Assert.Equal("PUT", call.Method);
        Assert.Equal("client-test", call.Headers["X-Request-Kind"]);
        Assert.Equal("""{"n":1}""", call.Body);
    }

    [Fact]
    public async Task ScheduleAsync_BothDelayAndRunAt_ThrowsBeforeCalling()
    {
        var options = new ScheduleOptions { Delay = TimeSpan.FromSeconds(1), RunAt = DateTimeOffset.UtcNow };
        await Assert.ThrowsAsync<ArgumentException>(() => _client.ScheduleAsync(new Uri(fixture.Target.UrlFor()), options));
    }

    [Fact]
    public async Task ScheduleAsync_FtpUrl_ThrowsValidationExceptionNamingTheField()
    {
        var error = await Assert.ThrowsAsync<TaskOrchestratorValidationException>(
            () => _client.ScheduleAsync(new Uri("ftp://example.com/file"), TimeSpan.FromSeconds(1)));
        Assert.Equal(HttpStatusCode.BadRequest, error.Status);
        Assert.Equal("The task is not valid", error.Title);
        Assert.Contains("http or https", Assert.Single(error.Errors["taskURL"]), StringComparison.Ordinal);
        Assert.Contains("taskURL", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CancelAsync_ScheduledTask_ReturnsItCancelledAndModifyThenConflicts()
    {
        var url = new Uri(fixture.Target.UrlFor());
        var task = await _client.ScheduleAsync(url, TimeSpan.FromMinutes(10));

        var cancelled = await _client.CancelAsync(task.Id);
        Assert.Equal(task.Id, cancelled.Id);
        Assert.Equal(ScheduledTaskStatus.Cancelled, cancelled.Status);
        Assert.Equal(ScheduledTaskStatus.Cancelled, (await _client.CancelAsync(task.Id)).Status);

        var error = await Assert.ThrowsAsync<TaskOrchestratorConflictException>(() => _client.ModifyAsync(task.Id, TimeSpan.FromSeconds(1)));
        Assert.Equal(HttpStatusCode.Conflict, error.Status);
        Assert.Contains("Cancelled", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModifyAsync_DelayAndRunAt_MoveTheDueTime()
    {
        var task = await _client.ScheduleAsync(new Uri(fixture.Target.UrlFor()), TimeSpan.FromMinutes(10));

        var moved = await _client.ModifyAsync(task.Id, TimeSpan.FromMinutes(20));
        Assert.Equal(task.CreatedAt.AddMinutes(20), moved.DueAt);

        var runAt = DateTimeOffset.UtcNow.AddHours(1);
        Assert.Equal(runAt, (await _client.ModifyAsync(task.Id, runAt)).DueAt);
        await _client.CancelAsync(task.Id);
    }

    [Fact]
    public async Task GetAsync_UnknownId_ThrowsNotFoundWithTheProblem()
    {
        var id = Guid.CreateVersion7();
        var error = await Assert.ThrowsAsync<TaskOrchestratorNotFoundException>(() => _client.GetAsync(id));
        Assert.Equal(HttpStatusCode.NotFound, error.Status);
        Assert.Equal("Task not found", error.Title);
        Assert.Contains(id.ToString(), error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAsync_AnotherSubjectsTask_ThrowsNotFound()
    {
        var task = await _client.ScheduleAsync(new Uri(fixture.Target.UrlFor()), TimeSpan.FromMinutes(10));
        await Assert.ThrowsAsync<TaskOrchestratorNotFoundException>(() => fixture.CreateClient().GetAsync(task.Id));
        await _client.CancelAsync(task.Id);
    }

    [Fact]
    public async Task ListAsync_ByStatusInSmallPages_FollowsLinkHeadersNewestFirst()
    {
        var client = fixture.CreateClient();
        var ids = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            var task = await client.ScheduleAsync(new Uri(fixture.Target.UrlFor()), TimeSpan.FromMinutes(10));
            ids.Add(task.Id);
        }

        foreach (var id in ids.Take(3))
        {
            await client.CancelAsync(id);
        }

        var cancelled = await client.ListAsync(ScheduledTaskStatus.Cancelled, pageSize: 2).ToListAsync();
        Assert.Equal(ids.Take(3).Reverse(), cancelled.Select(t => t.Id));
        Assert.All(cancelled, t => Assert.Equal(ScheduledTaskStatus.Cancelled, t.Status));

        var all = await client.GetAllAsync();
        Assert.Equal(Enumerable.Reverse(ids), all.Select(t => t.Id));

        // Enumeration is lazy: taking the first item fetches only the first page.
        Assert.Equal(ids[^1], (await client.ListAsync(pageSize: 1).FirstAsync()).Id);
        foreach (var id in ids.Skip(3))
        {
            await client.CancelAsync(id);
        }
    }

    [Fact]
    public async Task AnyCall_WithoutToken_ThrowsUnauthorizedWithTheProblem()
    {
        using var http = new HttpClient { BaseAddress = fixture.Server.BaseAddress };
        var client = new TaskOrchestratorClient(http);
        var error = await Assert.ThrowsAsync<TaskOrchestratorException>(() => client.GetAllAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, error.Status);
        Assert.Contains("bearer token is required", error.Detail, StringComparison.OrdinalIgnoreCase);
    }
}
