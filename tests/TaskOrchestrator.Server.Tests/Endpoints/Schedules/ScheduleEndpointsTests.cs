using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using TaskOrchestrator.Server.Tests.Endpoints.Tasks;
using TaskOrchestrator.Server.Tests.Telemetry;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Server.Tests.Endpoints.Schedules;

/// <summary>The <c>/schedules</c> routes through HTTP against the real server process: contracts, validation, owners.</summary>
[Collection(MemoryServerCollection.Name)]
public sealed partial class ScheduleEndpointsTests(MemoryServerFixture fixture)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly string _owner = $"user-{Guid.NewGuid():N}";
    private HttpClient Client => field ??= fixture.Server.CreateClient(TestTokens.Create(_owner));

    [Fact]
    public async Task Create_WeekdaysInBerlin_201WithLocationAndNextRunsInTheZonesOffset()
    {
        using var response = await Client.PostAsJsonAsync("/schedules", new
        {
            cron = "0 9 * * 1-5", timeZone = "Europe/Berlin", paused = false, task = new { taskURL = fixture.Target.UrlFor() },
        });

        var body = await ReadAsync(response, HttpStatusCode.Created);
        var id = (string)body["id"]!;
        Assert.Equal($"/schedules/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("Active", (string)body["status"]!);
        Assert.Equal("0 9 * * 1-5", (string)body["cron"]!);
        Assert.Equal("Europe/Berlin", (string)body["timeZone"]!);
        Assert.Equal("skip", (string)body["overlap"]!);
        Assert.Equal("latest", (string)body["catchUp"]!);
        Assert.Equal("POST", (string)body["task"]!["method"]!);
        var next = body["nextRuns"]!.AsArray().Select(n => (string)n!).ToList();
        Assert.Equal(5, next.Count);
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        foreach (var run in next)
        {
            // e.g. 2026-12-07T09:00:00+01:00: nine o'clock, written with the zone's offset on that day, on a weekday.
            Assert.Matches(NextRunFormat(), run);
            var instant = DateTimeOffset.Parse(run, CultureInfo.InvariantCulture);
            Assert.Equal(zone.GetUtcOffset(instant), instant.Offset);
            Assert.Equal(9, instant.Hour);
            Assert.NotEqual(DayOfWeek.Saturday, instant.DayOfWeek);
            Assert.NotEqual(DayOfWeek.Sunday, instant.DayOfWeek);
        }

        var read = await GetAsync(id);
        Assert.Equal(next, read["nextRuns"]!.AsArray().Select(n => (string)n!));
        Assert.Empty(read["recentRuns"]!.AsArray());
    }

    [Fact]
    public async Task Schedule_EverySecond_EachOccurrenceIsATaskDueOnItsInstantCalledNeverEarlyThenDeleteStopsIt()
    {
        var url = fixture.Target.UrlFor();
        var id = await CreateAsync(new { everyInMS = 1000, task = new { taskURL = url, method = "put", body = "tick" } });

        var calls = await fixture.Target.WaitForCallsAsync(url, 3, Deadline);
        Assert.All(calls, c => Assert.Equal("PUT", c.Method));
        var tasks = await Poll.UntilAsync(() => Client.GetFromJsonAsync<JsonArray>($"/tasks?scheduleId={id}")!, t => t!.Count >= 3, Deadline, "three runs listed");
        foreach (var task in tasks!)
        {
            Assert.Equal(id, (string)task!["scheduleId"]!);
            Assert.Equal(TaskApi.Instant(task["scheduledFor"]), TaskApi.Instant(task["dueAt"]));
        }

        // Every run's first attempt started at or after its occurrence.
        var completed = await Poll.UntilAsync(
            async () => await Task.WhenAll(tasks!.Take(3).Select(t => TaskApi.GetAsync(Client, (string)t!["id"]!))),
            all => all.All(t => (string)t["status"]! == "Completed"), Deadline, "the first three runs completed");
        foreach (var task in completed)
        {
            var started = TaskApi.Instant(task["attempts"]![0]!["startedAt"]);
            Assert.True(started >= TaskApi.Instant(task["scheduledFor"]), $"A run started at {started:O}, before its occurrence {task["scheduledFor"]}");
        }

        await Poll.UntilAsync(
            () => PrometheusScrape.ScrapeAsync(fixture.Server.BaseAddress),
            m => m.Value("taskorchestrator_schedules_occurrences_total", "outcome=\"created\"", "late=\"false\"") >= 3,
            TimeSpan.FromSeconds(10), "three occurrences created in /metrics");

        var schedule = await GetAsync(id);
        var recent = schedule["recentRuns"]!.AsArray();
        Assert.NotEmpty(recent);
        Assert.Contains(recent, r => (string?)r!["outcome"] == "Completed" && r["taskId"] is not null);

        using var delete = await Client.DeleteAsync($"/schedules/{id}");
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        using var gone = await Client.GetAsync($"/schedules/{id}");
        await TaskApi.AssertProblemAsync(gone, HttpStatusCode.NotFound);

        // Nothing more is created once deleted (a run created ahead of its instant is cancelled): by the time a sentinel
        // task due after three more would-be occurrences has been called, the runs listed are as they were.
        var after = (await Client.GetFromJsonAsync<JsonArray>($"/tasks?scheduleId={id}"))!;
        var sentinel = fixture.Target.UrlFor();
        await TaskApi.CreateAsync(Client, new { taskURL = sentinel, delayInMS = 3500 });
        await fixture.Target.WaitForCallsAsync(sentinel, 1, Deadline);
        var now = (await Client.GetFromJsonAsync<JsonArray>($"/tasks?scheduleId={id}"))!;
        Assert.Equal(after.Count, now.Count);

        foreach (var task in after)
        {
            Assert.NotEqual("Scheduled", await TaskApi.StatusAsync(Client, (string)task!["id"]!));
        }
    }

    [Fact]
    public async Task Schedule_OrchestrationTarget_EachOccurrenceIsAnOrchestrationListedByScheduleId()
    {
        var (step, check) = (fixture.Target.UrlFor(), fixture.Target.UrlFor("pass-after/0"));
        var id = await CreateAsync(new
        {
            everyInMS = 1000,
            orchestration = new { tasks = new[] { new { taskURL = step }, new { taskURL = step } }, conditionCheck = new { taskURL = check } },
        });

        var runs = await Poll.UntilAsync(
            () => Client.GetFromJsonAsync<JsonArray>($"/orchestrations?scheduleId={id}")!, o => o!.Count >= 1, Deadline, "an orchestration created");
        var orchestration = await Client.GetFromJsonAsync<JsonObject>($"/orchestrations/{(string)runs![0]!["id"]!}");
        Assert.Equal(id, (string)orchestration!["scheduleId"]!);
        Assert.Equal(TaskApi.Instant(orchestration["scheduledFor"]), TaskApi.Instant(orchestration["startAt"]));
        await fixture.Target.WaitForCallsAsync(step, 2, Deadline);
        using var delete = await Client.DeleteAsync($"/schedules/{id}");
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
    }

    [Fact]
    public async Task PauseResumeTrigger_PausedHasNoNextRunsAndTriggerRunsOnceNow()
    {
        var url = fixture.Target.UrlFor();
        var id = await CreateAsync(new { cron = "@daily", task = new { taskURL = url } });

        var paused = await PutAsync($"/schedules/{id}/pause");
        Assert.Equal("Paused", (string)paused["status"]!);
        Assert.Empty(paused["nextRuns"]!.AsArray());
        Assert.Equal("Paused", (string)(await PutAsync($"/schedules/{id}/pause"))["status"]!);

        using var trigger = await Client.PostAsync($"/schedules/{id}/trigger", null);
        var run = await ReadAsync(trigger, HttpStatusCode.Created);
        var taskId = (string)run["taskId"]!;
        Assert.Equal($"/tasks/{taskId}", trigger.Headers.Location?.OriginalString);
        Assert.True((bool)run["triggered"]!);
        await fixture.Target.WaitForCallsAsync(url, 1, Deadline);
        var task = await TaskApi.GetAsync(Client, taskId);
        Assert.Equal(id, (string)task["scheduleId"]!);

        var resumed = await PutAsync($"/schedules/{id}/resume");
        Assert.Equal("Active", (string)resumed["status"]!);
        Assert.Equal(5, resumed["nextRuns"]!.AsArray().Count);
        Assert.Contains(resumed["recentRuns"]!.AsArray(), r => (string?)r!["taskId"] == taskId);

        var active = await Client.GetFromJsonAsync<JsonArray>("/schedules?status=Active");
        Assert.Contains(active!, s => (string)s!["id"]! == id);
        var pausedList = await Client.GetFromJsonAsync<JsonArray>("/schedules?status=paused");
        Assert.DoesNotContain(pausedList!, s => (string)s!["id"]! == id);
    }

    [Fact]
    public async Task Patch_NewCadence_TakesEffectAndInvalidChangesAre422()
    {
        var id = await CreateAsync(new { cron = "0 9 * * *", timeZone = "America/New_York", task = new { taskURL = fixture.Target.UrlFor() } });

        using var patch = await Client.PatchAsJsonAsync($"/schedules/{id}", new { cron = "30 17 * * 1", timeZone = "Asia/Tokyo" });
        var changed = await ReadAsync(patch, HttpStatusCode.OK);
        Assert.Equal("30 17 * * 1", (string)changed["cron"]!);
        Assert.All(changed["nextRuns"]!.AsArray(), n => Assert.EndsWith("T17:30:00+09:00", (string)n!, StringComparison.Ordinal));

        using var pause = await Client.PatchAsJsonAsync($"/schedules/{id}", new { paused = true });
        Assert.Equal("paused", await FirstErrorFieldAsync(pause));
        using var empty = await Client.PatchAsJsonAsync($"/schedules/{id}", new { });
        Assert.Equal("body", await FirstErrorFieldAsync(empty));
        using var ended = await Client.PatchAsJsonAsync($"/schedules/{id}", new { endAt = DateTimeOffset.UtcNow.AddDays(-1) });
        Assert.Equal("endAt", await FirstErrorFieldAsync(ended));
    }

    [Theory]
    [InlineData("""{"cron":"0 9 * *","task":{"taskURL":"http://127.0.0.1:9/x"}}""", "cron", "has 4")]
    [InlineData("""{"cron":"0 61 * * *","task":{"taskURL":"http://127.0.0.1:9/x"}}""", "cron", "not a valid cron expression: The given cron expression has an invalid format. Hours: Value must be a number between 0 and 23")]
    [InlineData("""{"cron":"0 0 30 2 *","task":{"taskURL":"http://127.0.0.1:9/x"}}""", "cron", "never fires")]
    [InlineData("""{"cron":"* * * * * *","timeZone":"Mars/Olympus","task":{"taskURL":"http://127.0.0.1:9/x"}}""", "timeZone", "not a time zone")]
    [InlineData("""{"everyInMS":10,"task":{"taskURL":"http://127.0.0.1:9/x"}}""", "everyInMS", "configured minimum")]
    [InlineData("""{"everyInMS":1000,"startAt":"2030-01-02T00:00:00Z","endAt":"2030-01-01T00:00:00Z","task":{"taskURL":"http://127.0.0.1:9/x"}}""", "endAt", "after startAt")]
    [InlineData("""{"cron":"@daily","everyInMS":1000,"task":{"taskURL":"http://127.0.0.1:9/x"}}""", "cron", "exactly one")]
    [InlineData("""{"task":{"taskURL":"http://127.0.0.1:9/x"}}""", "cron", "exactly one")]
    [InlineData("""{"cron":"@daily"}""", "task", "Give what each occurrence runs")]
    [InlineData("""{"cron":"@daily","task":{"taskURL":"http://127.0.0.1:9/x","delayInMS":5}}""", "task.delayInMS", "due on each occurrence")]
    [InlineData("""{"cron":"@daily","task":{"taskURL":"ftp://127.0.0.1:9/x"}}""", "task.taskURL", "http")]
    [InlineData("""{"cron":"@daily","overlap":"sometimes","task":{"taskURL":"http://127.0.0.1:9/x"}}""", "overlap", "skip or allow")]
    [InlineData("""{"cron":"@daily","catchUp":"everything","task":{"taskURL":"http://127.0.0.1:9/x"}}""", "catchUp", "none, latest or all")]
    [InlineData("""{"cron":"@daily","orchestration":{"tasks":[]}}""", "orchestration.tasks", "")]
    public async Task Create_InvalidBody_422NamingTheField(string json, string field, string expected)
    {
        using var response = await Client.PostAsync("/schedules", TaskApi.Json(json));

        var problem = await TaskApi.AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        var errors = problem["errors"]!.AsObject();
        Assert.True(errors.ContainsKey(field), $"No error for {field}: {TaskApi.Describe(problem)}");
        Assert.Contains(expected, (string)errors[field]![0]!, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"cron": 5}""")]
    public async Task Create_MalformedBody_400(string json)
    {
        using var response = await Client.PostAsync("/schedules", TaskApi.Json(json));

        await TaskApi.AssertProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Routes_BadIdsAndQueries_400And404()
    {
        using var badId = await Client.GetAsync("/schedules/not-a-guid");
        await TaskApi.AssertProblemAsync(badId, HttpStatusCode.BadRequest);
        using var unknown = await Client.PutAsync($"/schedules/{Guid.NewGuid()}/pause", null);
        await TaskApi.AssertProblemAsync(unknown, HttpStatusCode.NotFound);
        using var badStatus = await Client.GetAsync("/schedules?status=Running");
        await TaskApi.AssertProblemAsync(badStatus, HttpStatusCode.BadRequest);
        using var badSchedule = await Client.GetAsync("/tasks?scheduleId=nope");
        await TaskApi.AssertProblemAsync(badSchedule, HttpStatusCode.BadRequest);
        using var both = await Client.GetAsync($"/tasks?scheduleId={Guid.NewGuid()}&status=Completed");
        await TaskApi.AssertProblemAsync(both, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task OtherOwner_SeesNothingAndChangesNothing_AdminSeesIt()
    {
        var url = fixture.Target.UrlFor();
        var id = await CreateAsync(new { cron = "@hourly", task = new { taskURL = url } });
        using var trigger = await Client.PostAsync($"/schedules/{id}/trigger", null);
        Assert.Equal(HttpStatusCode.Created, trigger.StatusCode);
        using var other = fixture.Server.CreateClient(TestTokens.Create($"other-{Guid.NewGuid():N}"));

        using (var get = await other.GetAsync($"/schedules/{id}"))
        {
            await TaskApi.AssertProblemAsync(get, HttpStatusCode.NotFound);
        }

        foreach (var request in new[]
        {
            new HttpRequestMessage(HttpMethod.Put, $"/schedules/{id}/pause"),
            new HttpRequestMessage(HttpMethod.Put, $"/schedules/{id}/resume"),
            new HttpRequestMessage(HttpMethod.Post, $"/schedules/{id}/trigger"),
            new HttpRequestMessage(HttpMethod.Delete, $"/schedules/{id}"),
            new HttpRequestMessage(HttpMethod.Patch, $"/schedules/{id}") { Content = TaskApi.Json("""{"cron":"@daily"}""") },
            new HttpRequestMessage(HttpMethod.Patch, $"/schedules/{id}") { Content = TaskApi.Json("""{"cron":"nonsense"}""") },
        })
        {
            using (request)
            using (var response = await other.SendAsync(request))
            {
                await TaskApi.AssertProblemAsync(response, HttpStatusCode.NotFound);
            }
        }

        Assert.DoesNotContain((await other.GetFromJsonAsync<JsonArray>("/schedules"))!, s => (string)s!["id"]! == id);
        Assert.Empty((await other.GetFromJsonAsync<JsonArray>($"/tasks?scheduleId={id}"))!);

        var schedule = await GetAsync(id);
        Assert.Equal("Active", (string)schedule["status"]!);
        Assert.Single(schedule["recentRuns"]!.AsArray());

        using var admin = fixture.Server.CreateClient(TestTokens.Create("operator", roles: ["admin"]));
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/schedules/{id}")).StatusCode);
        Assert.Single((await admin.GetFromJsonAsync<JsonArray>($"/tasks?scheduleId={id}"))!);
    }

    private async Task<string> CreateAsync(object body)
    {
        using var response = await Client.PostAsJsonAsync("/schedules", body);
        return (string)(await ReadAsync(response, HttpStatusCode.Created))["id"]!;
    }

    private async Task<JsonObject> GetAsync(string id)
    {
        using var response = await Client.GetAsync($"/schedules/{id}");
        return await ReadAsync(response, HttpStatusCode.OK);
    }

    private async Task<JsonObject> PutAsync(string path)
    {
        using var response = await Client.PutAsync(path, null);
        return await ReadAsync(response, HttpStatusCode.OK);
    }

    private async Task<JsonObject> ReadAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected}, got {(int)response.StatusCode}: {text}\n{string.Join('\n', fixture.Server.Output.TakeLast(60))}");
        return JsonNode.Parse(text)!.AsObject();
    }

    private static async Task<string> FirstErrorFieldAsync(HttpResponseMessage response)
    {
        var problem = await TaskApi.AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        return problem["errors"]!.AsObject().First().Key;
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")]
    private static partial Regex NextRunFormat();
}
