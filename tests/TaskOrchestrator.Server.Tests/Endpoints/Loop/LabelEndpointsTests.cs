using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using TaskOrchestrator.Server.Tests.Endpoints.Orchestrations;
using TaskOrchestrator.Server.Tests.Endpoints.Tasks;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Server.Tests.Endpoints.Loop;

/// <summary>Labels on tasks, orchestrations and schedules through HTTP against the real server process on Azurite.</summary>
[Collection(LoopServerCollection.Name)]
public sealed class LabelEndpointsTests(LoopServerFixture fixture)
{
    [Fact]
    public async Task ListTasks_ByLabelAndStatus_OnlyTheOwnersTasksCarryingEveryLabel()
    {
        using var client = fixture.NewOwner();
        var team = $"t{Guid.NewGuid():N}";
        var failedBilling = (string)(await LoopServerFixture.CreateAndWaitAsync(client, fixture.Failing(new Dictionary<string, string> { ["team"] = team, ["env"] = "prod" }), "Failed"))["id"]!;
        var laterBilling = (string)(await TaskApi.CreateAsync(client, fixture.Later(new Dictionary<string, string> { ["team"] = team })))["id"]!;
        await LoopServerFixture.CreateAndWaitAsync(client, fixture.Failing(new Dictionary<string, string> { ["team"] = "search" }), "Failed");

        // Another owner's task with the same label never shows.
        using var other = fixture.NewOwner();
        var othersId = (string)(await TaskApi.CreateAsync(other, fixture.Later(new Dictionary<string, string> { ["team"] = team })))["id"]!;

        Assert.Equal([laterBilling, failedBilling], await LoopServerFixture.ListIdsAsync(client, $"/tasks?label=team:{team}"));
        Assert.Equal([failedBilling], await LoopServerFixture.ListIdsAsync(client, $"/tasks?label=team:{team}&status=Failed"));
        Assert.Equal([failedBilling], await LoopServerFixture.ListIdsAsync(client, $"/tasks?label=team:{team}&label=env:prod"));
        Assert.Empty(await LoopServerFixture.ListIdsAsync(client, $"/tasks?label=team:{team}&label=env:dev"));
        Assert.Equal([othersId], await LoopServerFixture.ListIdsAsync(other, $"/tasks?label=team:{team}"));

        // An admin's label listing is of its own tasks, never a scan of everyone's.
        using var admin = fixture.Server.CreateClient(TestTokens.Create($"admin-{Guid.NewGuid():N}", roles: ["admin"]));
        Assert.Empty(await LoopServerFixture.ListIdsAsync(admin, $"/tasks?label=team:{team}"));

        // The resource and its listing row carry the labels.
        var task = await TaskApi.GetAsync(client, failedBilling);
        Assert.Equal(team, (string)task["labels"]!["team"]!);
        Assert.Equal("prod", (string)task["labels"]!["env"]!);
        var row = (await client.GetFromJsonAsync<JsonArray>($"/tasks?label=env:prod&label=team:{team}"))!.Single()!;
        Assert.Equal("prod", (string)row["labels"]!["env"]!);
    }

    [Fact]
    public async Task ListTasks_ManyWithOneLabel_PagesThroughLinkHeader()
    {
        using var client = fixture.NewOwner();
        var run = $"r{Guid.NewGuid():N}";
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Insert(0, (string)(await TaskApi.CreateAsync(client, fixture.Later(new Dictionary<string, string> { ["run"] = run })))["id"]!);
        }

        var seen = new List<string>();
        string? next = $"/tasks?label=run:{run}&limit=2";
        while (next is not null)
        {
            using var response = await client.GetAsync(next);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            seen.AddRange((await response.Content.ReadFromJsonAsync<JsonArray>())!.Select(t => (string)t!["id"]!));
            next = response.Headers.TryGetValues("Link", out var links) ? links.Single().Split('>')[0].TrimStart('<') : null;
            Assert.True(next is null || next.Contains($"label=run:{run}", StringComparison.Ordinal), $"The next page lost the label: {next}");
        }

        Assert.Equal(ids, seen);
        await CancelAllAsync(client, ids);
    }

    [Fact]
    public async Task UpdateTask_NewLabels_ReplaceTheOldOnesInListings()
    {
        using var client = fixture.NewOwner();
        var (before, after) = ($"b{Guid.NewGuid():N}", $"a{Guid.NewGuid():N}");
        var id = (string)(await TaskApi.CreateAsync(client, fixture.Later(new Dictionary<string, string> { ["tag"] = before })))["id"]!;

        using var patch = await client.PatchAsJsonAsync($"/tasks/{id}", new { labels = new Dictionary<string, string> { ["tag"] = after } });
        Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        var patched = (await patch.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(after, (string)patched["labels"]!["tag"]!);
        Assert.Equal(TaskApi.Instant(patched["createdAt"]).AddHours(1), TaskApi.Instant(patched["dueAt"]));

        Assert.Empty(await LoopServerFixture.ListIdsAsync(client, $"/tasks?label=tag:{before}"));
        Assert.Equal([id], await LoopServerFixture.ListIdsAsync(client, $"/tasks?label=tag:{after}"));
        Assert.Equal([id], await LoopServerFixture.ListIdsAsync(client, $"/tasks?label=tag:{after}&status=Scheduled"));
        await CancelAllAsync(client, [id]);
        Assert.Empty(await LoopServerFixture.ListIdsAsync(client, $"/tasks?label=tag:{after}&status=Scheduled"));
        Assert.Equal([id], await LoopServerFixture.ListIdsAsync(client, $"/tasks?label=tag:{after}&status=Cancelled"));
    }

    [Theory]
    [InlineData("{\"-bad\":\"x\"}", "-bad")]
    [InlineData("{\"team\":\"a\\u0001b\"}", "team")]
    [InlineData("{\"k y\":\"x\"}", "k y")]
    [InlineData("{\"team\":null}", "team")]
    public async Task CreateTask_BadLabel_400NamingIt(string labels, string named)
    {
        using var client = fixture.NewOwner();
        using var response = await client.PostAsync("/tasks", TaskApi.Json($"{{\"taskURL\":\"{fixture.Target.UrlFor()}\",\"delayInMS\":1000,\"labels\":{labels}}}"));
        var problem = await TaskApi.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(named, (string)problem["errors"]!["labels"]![0]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateTask_TooManyOrTooLongLabels_400()
    {
        using var client = fixture.NewOwner();
        var many = Enumerable.Range(0, 17).ToDictionary(i => $"k{i}", _ => "v");
        using var tooMany = await client.PostAsJsonAsync("/tasks", fixture.Later(many));
        Assert.Contains("16", (string)(await TaskApi.AssertProblemAsync(tooMany, HttpStatusCode.BadRequest))["errors"]!["labels"]![0]!, StringComparison.Ordinal);

        using var longKey = await client.PostAsJsonAsync("/tasks", fixture.Later(new Dictionary<string, string> { [new string('k', 65)] = "v" }));
        Assert.Contains("64", (string)(await TaskApi.AssertProblemAsync(longKey, HttpStatusCode.BadRequest))["errors"]!["labels"]![0]!, StringComparison.Ordinal);

        using var longValue = await client.PostAsJsonAsync("/tasks", fixture.Later(new Dictionary<string, string> { ["k"] = new string('v', 257) }));
        Assert.Contains("256", (string)(await TaskApi.AssertProblemAsync(longValue, HttpStatusCode.BadRequest))["errors"]!["labels"]![0]!, StringComparison.Ordinal);

        // The limits themselves are fine.
        var widest = Enumerable.Range(0, 16).ToDictionary(i => $"{i}{new string('k', 63)}"[..64], _ => new string('v', 256));
        var created = await TaskApi.CreateAsync(client, fixture.Later(widest));
        Assert.Equal(16, created["labels"]!.AsObject().Count);
        await CancelAllAsync(client, [(string)created["id"]!]);
    }

    [Theory]
    [InlineData("label=team")]
    [InlineData("label=:billing")]
    [InlineData("label=te%20am:billing")]
    [InlineData("label=team:billing&scheduleId=0196a6f0-0000-7000-8000-000000000000")]
    public async Task ListTasks_MalformedLabelFilter_400(string query)
    {
        using var client = fixture.NewOwner();
        using var response = await client.GetAsync($"/tasks?{query}");
        var problem = await TaskApi.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("label", (string)problem["detail"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Orchestration_WithLabels_ShownListedAndChangedByPatch()
    {
        using var client = fixture.NewOwner();
        var (first, second) = ($"o{Guid.NewGuid():N}", $"p{Guid.NewGuid():N}");
        var created = await OrchestrationApi.CreateAsync(client, new
        {
            initialDelayInMS = 3_600_000, tasks = new[] { new { taskURL = fixture.Target.UrlFor() } }, labels = new Dictionary<string, string> { ["flow"] = first },
        });
        var id = (string)created["id"]!;
        Assert.Equal(first, (string)created["labels"]!["flow"]!);
        Assert.Equal([id], await LoopServerFixture.ListIdsAsync(client, $"/orchestrations?label=flow:{first}&status=Scheduled"));

        using var patch = await client.PatchAsJsonAsync($"/orchestrations/{id}", new { labels = new Dictionary<string, string> { ["flow"] = second } });
        Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        Assert.Empty(await LoopServerFixture.ListIdsAsync(client, $"/orchestrations?label=flow:{first}"));
        var row = (await client.GetFromJsonAsync<JsonArray>($"/orchestrations?label=flow:{second}"))!.Single()!;
        Assert.Equal(second, (string)row["labels"]!["flow"]!);

        using var other = fixture.NewOwner();
        Assert.Empty(await LoopServerFixture.ListIdsAsync(other, $"/orchestrations?label=flow:{second}"));
        using var cancel = await client.PutAsync($"/orchestrations/{id}/cancel", null);
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
    }

    [Fact]
    public async Task Schedule_WithLabels_ListedByLabelAndEachRunCarriesThem()
    {
        using var client = fixture.NewOwner();
        var job = $"j{Guid.NewGuid():N}";
        using var created = await client.PostAsJsonAsync("/schedules", new
        {
            everyInMS = 1000, task = new { taskURL = fixture.Target.UrlFor() }, labels = new Dictionary<string, string> { ["job"] = job },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var schedule = (await created.Content.ReadFromJsonAsync<JsonObject>())!;
        var id = (string)schedule["id"]!;
        Assert.Equal(job, (string)schedule["labels"]!["job"]!);
        Assert.Equal([id], await LoopServerFixture.ListIdsAsync(client, $"/schedules?label=job:{job}"));

        var runs = await Poll.UntilAsync(
            () => client.GetFromJsonAsync<JsonArray>($"/tasks?label=job:{job}")!, r => r!.Count >= 2, TimeSpan.FromSeconds(30), "two runs listed by the schedule's label");
        Assert.All(runs!, run =>
        {
            Assert.Equal(id, (string)run!["scheduleId"]!);
            Assert.Equal(job, (string)run["labels"]!["job"]!);
        });

        // A label inside the schedule's task would be lost: refused.
        using var misplaced = await client.PostAsJsonAsync("/schedules", new
        {
            everyInMS = 1000, task = new { taskURL = fixture.Target.UrlFor(), labels = new Dictionary<string, string> { ["job"] = job } },
        });
        var problem = await TaskApi.AssertProblemAsync(misplaced, HttpStatusCode.UnprocessableEntity);
        Assert.NotNull(problem["errors"]!["task.labels"]);

        using var delete = await client.DeleteAsync($"/schedules/{id}");
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
    }

    private static async Task CancelAllAsync(HttpClient client, IEnumerable<string> ids)
    {
        foreach (var id in ids)
        {
            using var response = await client.PutAsync($"/tasks/{id}/cancel", null);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }
}
