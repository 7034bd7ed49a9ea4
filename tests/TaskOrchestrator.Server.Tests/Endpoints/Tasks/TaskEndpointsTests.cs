using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Server.Tests.Endpoints.Tasks;

[Collection(MemoryServerCollection.Name)]
public sealed class TaskEndpointsTests(MemoryServerFixture fixture)
{
    private readonly HttpClient _client = fixture.Server.CreateClient(TestTokens.Create($"user-{Guid.NewGuid():N}"));

    [Fact]
    public async Task CreateTask_WithDelay_Returns201WithLocationAndResource()
    {
        var url = fixture.Target.UrlFor();
        using var response = await _client.PostAsJsonAsync("/tasks", new { taskURL = url, delayInMS = 60_000, method = "put", headers = new { X_Test = "1" }, body = "{}" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var task = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        var id = (string)task["id"]!;
        Assert.Equal($"/tasks/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal(url, (string)task["taskURL"]!);
        Assert.Equal("PUT", (string)task["method"]!);
        Assert.Equal(60_000, (long)task["delayInMS"]!);
        Assert.Equal("Scheduled", (string)task["status"]!);
        Assert.Equal(TimeSpan.FromMilliseconds(60_000), TaskApi.Instant(task["dueAt"]) - TaskApi.Instant(task["createdAt"]));
        Assert.Null(task["startedAt"]);
        Assert.Null(task["response"]);
    }

    [Fact]
    public async Task CreateTask_WithRunAt_DueAtThatInstant()
    {
        var runAt = DateTimeOffset.UtcNow.AddMinutes(10);
        var task = await TaskApi.CreateAsync(_client, new { taskURL = fixture.Target.UrlFor(), runAt });
        Assert.Equal(runAt, TaskApi.Instant(task["dueAt"]));
        Assert.Equal((long)(runAt - TaskApi.Instant(task["createdAt"])).TotalMilliseconds, (long)task["delayInMS"]!);
    }

    [Fact]
    public async Task GetStatus_ScheduledTask_ReturnsIdAndStatus()
    {
        var id = (string)(await TaskApi.CreateAsync(_client, new { taskURL = fixture.Target.UrlFor(), delayInMS = 60_000 }))["id"]!;
        var status = await _client.GetFromJsonAsync<JsonObject>($"/tasks/{id}/status");
        Assert.Equal(id, (string)status!["id"]!);
        Assert.Equal("Scheduled", (string)status["status"]!);
    }

    [Fact]
    public async Task Cancel_ScheduledTask_Returns200AndNeverCalls()
    {
        var url = fixture.Target.UrlFor();
        var id = (string)(await TaskApi.CreateAsync(_client, new { taskURL = url, delayInMS = 300 }))["id"]!;
        using var response = await _client.PutAsync($"/tasks/{id}/cancel", null);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True((bool)body["cancelled"]!);
        Assert.Equal("Cancelled", (string)body["status"]!);

        using var again = await _client.PutAsync($"/tasks/{id}/cancel", null);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);

        // A later task on the same target proves the cancelled one's time has passed.
        var sentinel = fixture.Target.UrlFor();
        await TaskApi.CreateAsync(_client, new { taskURL = sentinel, delayInMS = 600 });
        await fixture.Target.WaitForCallsAsync(sentinel);
        Assert.Empty(fixture.Target.CallsTo(url));
        using var patch = await _client.PatchAsync($"/tasks/{id}", TaskApi.Json("""{"delayInMS":10}"""));
        await TaskApi.AssertProblemAsync(patch, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Update_ScheduledTask_MovesDueTimeAndFiresOnlyThen()
    {
        var url = fixture.Target.UrlFor();
        var task = await TaskApi.CreateAsync(_client, new { taskURL = url, delayInMS = 60_000 });
        var id = (string)task["id"]!;
        using var response = await _client.PatchAsync($"/tasks/{id}", TaskApi.Json("""{"delayInMS":500}"""));
        var updated = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(500, (long)updated["delayInMS"]!);
        var dueAt = TaskApi.Instant(updated["dueAt"]);
        Assert.Equal(TaskApi.Instant(task["createdAt"]).AddMilliseconds(500), dueAt);

        var calls = await fixture.Target.WaitForCallsAsync(url);
        Assert.Single(calls);
        Assert.True(calls[0].ArrivedAt >= dueAt, $"Fired at {calls[0].ArrivedAt:O}, before its due time {dueAt:O}");
        var done = await Poll.UntilAsync(() => TaskApi.GetAsync(_client, id), t => (string)t["status"]! == "Completed", TimeSpan.FromSeconds(10), "the task to complete");
        Assert.Equal(200, (int)done["response"]!["statusCode"]!);
        Assert.Equal("ok", (string)done["response"]!["body"]!);
        Assert.True((double)done["latenessMs"]! >= 0);

        using var late = await _client.PatchAsync($"/tasks/{id}", TaskApi.Json("""{"delayInMS":90000}"""));
        await TaskApi.AssertProblemAsync(late, HttpStatusCode.Conflict);
        using var cancel = await _client.PutAsync($"/tasks/{id}/cancel", null);
        await TaskApi.AssertProblemAsync(cancel, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Update_WithPastRunAt_RunsNow()
    {
        var url = fixture.Target.UrlFor();
        var id = (string)(await TaskApi.CreateAsync(_client, new { taskURL = url, delayInMS = 3_600_000 }))["id"]!;
        using var response = await _client.PatchAsync($"/tasks/{id}", JsonContent.Create(new { runAt = DateTimeOffset.UtcNow.AddDays(-1) }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await fixture.Target.WaitForCallsAsync(url, timeout: TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task List_ByStatus_IsCaseInsensitiveNewestFirstAndPaged()
    {
        using var client = fixture.Server.CreateClient(TestTokens.Create($"lister-{Guid.NewGuid():N}"));
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((string)(await TaskApi.CreateAsync(client, new { taskURL = fixture.Target.UrlFor(), delayInMS = 600_000 }))["id"]!);
        }

        using (var cancel = await client.PutAsync($"/tasks/{ids[0]}/cancel", null))
        {
            Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        }

        var cancelled = await client.GetFromJsonAsync<JsonArray>("/tasks?status=cANCELLED");
        Assert.Equal([ids[0]], cancelled!.Select(t => (string)t!["id"]!));

        var seen = new List<string>();
        var next = "/tasks?status=scheduled&limit=2";
        var pages = 0;
        while (next is not null)
        {
            using var page = await client.GetAsync(next);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            var items = (await page.Content.ReadFromJsonAsync<JsonArray>())!;
            Assert.True(items.Count <= 2);
            seen.AddRange(items.Select(t => (string)t!["id"]!));
            next = page.Headers.TryGetValues("Link", out var links) ? links.Single().Split(';')[0].Trim('<', '>', ' ') : null;
            pages++;
        }

        Assert.Equal(ids.Skip(1).Reverse(), seen);
        Assert.Equal(2, pages);

        var all = await client.GetFromJsonAsync<JsonArray>("/tasks");
        Assert.Equal(Enumerable.Reverse(ids), all!.Select(t => (string)t!["id"]!));
    }

    [Fact]
    public async Task GetTask_Unknown_Returns404Problem()
    {
        using var response = await _client.GetAsync($"/tasks/{Guid.NewGuid()}");
        await TaskApi.AssertProblemAsync(response, HttpStatusCode.NotFound);
    }
}
