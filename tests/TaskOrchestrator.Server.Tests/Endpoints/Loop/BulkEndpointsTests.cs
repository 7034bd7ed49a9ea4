using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using TaskOrchestrator.Server.Tests.Endpoints.Orchestrations;
using TaskOrchestrator.Server.Tests.Endpoints.Tasks;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Server.Tests.Endpoints.Loop;

/// <summary>The bulk actions through HTTP against the real server process on Azurite: results, paging, and owner isolation.</summary>
[Collection(LoopServerCollection.Name)]
public sealed class BulkEndpointsTests(LoopServerFixture fixture)
{
    [Fact]
    public async Task BulkCancel_Ids_CancelsTheCallersAndReportsAnotherOwnersAsNotFoundUntouched()
    {
        using var client = fixture.NewOwner();
        using var other = fixture.NewOwner();
        var mine = new[] { (string)(await TaskApi.CreateAsync(client, fixture.Later()))["id"]!, (string)(await TaskApi.CreateAsync(client, fixture.Later()))["id"]! };
        var finished = (string)(await LoopServerFixture.CreateAndWaitAsync(client, fixture.Failing(), "Failed"))["id"]!;
        var theirs = (string)(await TaskApi.CreateAsync(other, fixture.Later()))["id"]!;
        var unknown = Guid.CreateVersion7().ToString();

        var body = await LoopServerFixture.BulkAsync(client, "/tasks/bulk/cancel", new { ids = new[] { mine[0], theirs, mine[1], finished, unknown } });

        var results = Results(body);
        Assert.Equal([mine[0], theirs, mine[1], finished, unknown], results.Select(r => r.Id));
        Assert.Equal(["cancelled", "skipped", "cancelled", "skipped", "skipped"], results.Select(r => r.Outcome));
        Assert.Equal("not found", results[1].Reason);
        Assert.Equal("not found", results[4].Reason);
        Assert.Contains("Failed", results[3].Reason, StringComparison.Ordinal);
        Assert.Null(body["continuation"]);
        Assert.Equal("Cancelled", await TaskApi.StatusAsync(client, mine[0]));
        Assert.Equal("Scheduled", await TaskApi.StatusAsync(other, theirs));

        using var cancel = await other.PutAsync($"/tasks/{theirs}/cancel", null);
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
    }

    [Fact]
    public async Task BulkRerun_FilterByStatusAndLabel_PagesWithContinuationAndReportsEachNewTask()
    {
        using var client = fixture.NewOwner();
        var batch = $"b{Guid.NewGuid():N}";
        var labels = new Dictionary<string, string> { ["batch"] = batch };
        var failed = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            failed.Insert(0, (string)(await LoopServerFixture.CreateAndWaitAsync(client, fixture.Failing(labels), "Failed"))["id"]!);
        }

        var scheduled = (string)(await TaskApi.CreateAsync(client, fixture.Later(labels)))["id"]!;
        var filter = new { status = "Failed", labels };

        var first = await LoopServerFixture.BulkAsync(client, "/tasks/bulk/rerun", new { filter, limit = 2 });
        var continuation = (string?)first["continuation"];
        Assert.NotNull(continuation);
        var rest = await LoopServerFixture.BulkAsync(client, "/tasks/bulk/rerun", new { filter, limit = 2, continuation });
        var results = Results(first).Concat(Results(rest)).ToList();
        if (rest["continuation"] is not null)
        {
            Assert.Empty(Results(await LoopServerFixture.BulkAsync(client, "/tasks/bulk/rerun", new { filter, limit = 2, continuation = (string)rest["continuation"]! })));
        }

        // Each failed task once, newest first, never the scheduled one; each rerun is a task rerunning it.
        Assert.Equal(failed, results.Select(r => r.Id));
        Assert.All(results, r => Assert.Equal("rerun", r.Outcome));
        foreach (var result in results)
        {
            var rerun = await TaskApi.GetAsync(client, result.NewId!);
            Assert.Equal(result.Id, (string)rerun["rerunOf"]!);
            Assert.Equal(batch, (string)rerun["labels"]!["batch"]!);
            Assert.Equal([result.NewId], (await TaskApi.GetAsync(client, result.Id))["reruns"]!.AsArray().Select(r => (string)r!));
        }

        using var cancel = await client.PutAsync($"/tasks/{scheduled}/cancel", null);
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
    }

    [Fact]
    public async Task BulkCancel_AdminsFilter_ActsOnlyOnTheAdminsOwnTasks()
    {
        var label = $"x{Guid.NewGuid():N}";
        var labels = new Dictionary<string, string> { ["shared"] = label };
        using var owner = fixture.NewOwner();
        var theirs = (string)(await TaskApi.CreateAsync(owner, fixture.Later(labels)))["id"]!;
        using var admin = fixture.Server.CreateClient(TestTokens.Create($"admin-{Guid.NewGuid():N}", roles: ["admin"]));
        var adminsOwn = (string)(await TaskApi.CreateAsync(admin, fixture.Later(labels)))["id"]!;

        var body = await LoopServerFixture.BulkAsync(admin, "/tasks/bulk/cancel", new { filter = new { labels } });
        Assert.Equal([adminsOwn], Results(body).Select(r => r.Id));
        Assert.Equal("Scheduled", await TaskApi.StatusAsync(owner, theirs));

        // By id too: an admin's bulk action never touches another owner's task.
        var byId = await LoopServerFixture.BulkAsync(admin, "/tasks/bulk/cancel", new { ids = new[] { theirs } });
        Assert.Equal(("skipped", "not found"), (Results(byId).Single().Outcome, Results(byId).Single().Reason));
        Assert.Equal("Scheduled", await TaskApi.StatusAsync(owner, theirs));

        using var cancel = await owner.PutAsync($"/tasks/{theirs}/cancel", null);
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
    }

    [Fact]
    public async Task BulkCancel_FilterByCreatedRange_OnlyThoseCreatedInIt()
    {
        using var client = fixture.NewOwner();
        var labels = new Dictionary<string, string> { ["range"] = $"r{Guid.NewGuid():N}" };
        var old = (string)(await TaskApi.CreateAsync(client, fixture.Later(labels)))["id"]!;
        var from = TaskApi.Instant((await TaskApi.GetAsync(client, old))["createdAt"]).AddMilliseconds(1);
        await WaitUntilPastAsync(from);
        var middle = (string)(await TaskApi.CreateAsync(client, fixture.Later(labels)))["id"]!;
        var until = TaskApi.Instant((await TaskApi.GetAsync(client, middle))["createdAt"]).AddMilliseconds(1);
        await WaitUntilPastAsync(until);
        var recent = (string)(await TaskApi.CreateAsync(client, fixture.Later(labels)))["id"]!;

        var body = await LoopServerFixture.BulkAsync(client, "/tasks/bulk/cancel", new { filter = new { labels, createdAfter = from, createdBefore = until } });
        Assert.Equal([middle], Results(body).Select(r => r.Id));
        Assert.Equal("Scheduled", await TaskApi.StatusAsync(client, old));
        Assert.Equal("Scheduled", await TaskApi.StatusAsync(client, recent));

        var all = await LoopServerFixture.BulkAsync(client, "/tasks/bulk/cancel", new { filter = new { labels, status = "Scheduled" } });
        Assert.Equal([recent, old], Results(all).Select(r => r.Id));
    }

    [Theory]
    [InlineData("{}", "body")]
    [InlineData("{\"ids\":[],\"filter\":{}}", "body")]
    [InlineData("{\"ids\":[\"nope\"]}", "ids[0]")]
    [InlineData("{\"ids\":[],\"continuation\":\"x\"}", "continuation")]
    [InlineData("{\"filter\":{\"status\":\"Sleeping\"}}", "filter.status")]
    [InlineData("{\"filter\":{\"labels\":{\"-x\":\"y\"}}}", "filter.labels")]
    [InlineData("{\"filter\":{},\"continuation\":\"not-a-cursor\"}", "continuation")]
    [InlineData("{\"filter\":{},\"limit\":1001}", "limit")]
    public async Task BulkCancel_BadBody_400NamingTheField(string body, string field)
    {
        using var client = fixture.NewOwner();
        using var response = await client.PostAsync("/tasks/bulk/cancel", TaskApi.Json(body));
        var problem = await TaskApi.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem["errors"]![field] is not null, TaskApi.Describe(problem));
    }

    [Fact]
    public async Task BulkCancel_MoreThanAThousandIdsOrAnOwnerField_Refused()
    {
        using var client = fixture.NewOwner();
        var ids = Enumerable.Range(0, 1001).Select(_ => Guid.CreateVersion7().ToString()).ToArray();
        using var tooMany = await client.PostAsJsonAsync("/tasks/bulk/rerun", new { ids });
        Assert.NotNull((await TaskApi.AssertProblemAsync(tooMany, HttpStatusCode.BadRequest))["errors"]!["ids"]);

        // No field can widen the scope: an owner in the filter is an unknown field.
        using var widened = await client.PostAsync("/tasks/bulk/cancel", TaskApi.Json("{\"filter\":{\"owner\":\"someone-else\"}}"));
        Assert.Equal(HttpStatusCode.BadRequest, widened.StatusCode);
        Assert.Equal("application/problem+json", widened.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task BulkOrchestrations_CancelAndRetry_OnlyTheCallersOwn()
    {
        using var client = fixture.NewOwner();
        using var other = fixture.NewOwner();
        object Later() => new { initialDelayInMS = 3_600_000, tasks = new[] { new { taskURL = fixture.Target.UrlFor() } } };
        var mine = (string)(await OrchestrationApi.CreateAsync(client, Later()))["id"]!;
        var theirs = (string)(await OrchestrationApi.CreateAsync(other, Later()))["id"]!;

        var cancelled = await LoopServerFixture.BulkAsync(client, "/orchestrations/bulk/cancel", new { ids = new[] { mine, theirs } });
        Assert.Equal(["cancelled", "skipped"], Results(cancelled).Select(r => r.Outcome));
        Assert.Equal("Cancelled", (string)(await OrchestrationApi.GetAsync(client, mine))["status"]!);
        Assert.Equal("Scheduled", (string)(await OrchestrationApi.GetAsync(other, theirs))["status"]!);

        var flaky = fixture.Target.UrlFor("fail-first/1");
        var failing = (string)(await OrchestrationApi.CreateAsync(client, new { tasks = new[] { new { taskURL = flaky, retry = new { maxAttempts = 1 } } } }))["id"]!;
        await OrchestrationApi.WaitForStatusAsync(client, failing, "Failed");

        // A filter reads the listing, written just after the orchestration's state.
        await Poll.UntilAsync(
            async () => (await LoopServerFixture.ListIdsAsync(client, "/orchestrations?status=Failed")).Contains(failing), TimeSpan.FromSeconds(30), "the failed orchestration listed");
        var retried = await LoopServerFixture.BulkAsync(client, "/orchestrations/bulk/retry", new { filter = new { status = "Failed" } });
        Assert.Equal([(failing, "retried")], Results(retried).Select(r => (r.Id, r.Outcome)));
        await OrchestrationApi.WaitForStatusAsync(client, failing, "Completed");

        using var cancel = await other.PutAsync($"/orchestrations/{theirs}/cancel", null);
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
    }

    // The server and the tests read the same clock: the next task is created after this instant.
    private static Task WaitUntilPastAsync(DateTimeOffset instant) =>
        Poll.UntilAsync(() => Task.FromResult(DateTimeOffset.UtcNow), now => now > instant.AddMilliseconds(5), TimeSpan.FromSeconds(5), $"the clock past {instant:O}");

    private static List<(string Id, string Outcome, string? Reason, string? NewId)> Results(JsonObject body) =>
    [
        .. body["results"]!.AsArray().Select(r => ((string)r!["id"]!, (string)r["outcome"]!, (string?)r["reason"], (string?)r["newId"])),
    ];
}
