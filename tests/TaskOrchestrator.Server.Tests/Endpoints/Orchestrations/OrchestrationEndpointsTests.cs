using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using TaskOrchestrator.Server.Tests.Endpoints.Tasks;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Server.Tests.Endpoints.Orchestrations;

[Collection(MemoryServerCollection.Name)]
public sealed class OrchestrationEndpointsTests(MemoryServerFixture fixture)
{
    private readonly HttpClient _client = fixture.Server.CreateClient(TestTokens.Create($"user-{Guid.NewGuid():N}"));

    [Fact]
    public async Task Create_ValidBody_Returns201WithLocationAndResource()
    {
        var (first, second, check) = (fixture.Target.UrlFor(), fixture.Target.UrlFor(), fixture.Target.UrlFor());
        using var response = await _client.PostAsJsonAsync("/orchestrations", new
        {
            initialDelayInMS = 60_000,
            tasks = new object[] { new { taskURL = first }, new { taskURL = second, method = "put", body = "{}", fallbackTaskURL = fixture.Target.UrlFor() } },
            conditionCheck = new { taskURL = check, delayInMS = 10, retries = 3, retryDelayInMS = 500 },
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        var id = (string)body["id"]!;
        Assert.Equal($"/orchestrations/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("Scheduled", (string)body["status"]!);
        Assert.Equal(60_000, (long)body["initialDelayInMS"]!);
        Assert.Equal(TimeSpan.FromMinutes(1), TaskApi.Instant(body["startAt"]) - TaskApi.Instant(body["createdAt"]));
        Assert.Equal(0, (int)body["currentStep"]!);
        var step1 = OrchestrationApi.Step(body, 1);
        Assert.Equal("PUT", (string)step1["method"]!);
        Assert.Equal("Pending", (string)step1["status"]!);
        Assert.Equal(3, (int)step1["conditionCheck"]!["retries"]!);
        Assert.Equal("GET", (string)step1["conditionCheck"]!["method"]!);
        Assert.NotNull(step1["fallbackTaskURL"]);
        Assert.Null(OrchestrationApi.Step(body, 0)["fallbackTaskURL"]);
        Assert.Null(step1["body"]);

        // The first step's task exists already and is listed with its orchestration.
        var taskId = (string)OrchestrationApi.Step(body, 0)["taskId"]!;
        var task = await TaskApi.GetAsync(_client, taskId);
        Assert.Equal(id, (string)task["orchestrationId"]!);
        Assert.Equal("Scheduled", (string)task["status"]!);

        var status = await _client.GetFromJsonAsync<JsonObject>($"/orchestrations/{id}/status");
        Assert.Equal("Scheduled", (string)status!["status"]!);
        using var cancel = await _client.PutAsync($"/orchestrations/{id}/cancel", null);
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
    }

    [Fact]
    public async Task Orchestration_ChecksPass_RunsEveryStepAndCompletes()
    {
        var (first, second, check) = (fixture.Target.UrlFor(), fixture.Target.UrlFor(), fixture.Target.UrlFor("pass-after/1"));
        var id = (string)(await OrchestrationApi.CreateAsync(_client, new
        {
            initialDelayInMS = 100,
            tasks = new[] { new { taskURL = first }, new { taskURL = second } },
            conditionCheck = new { taskURL = check, retries = 2, retryDelayInMS = 100 },
        }))["id"]!;

        var done = await OrchestrationApi.WaitForStatusAsync(_client, id, "Completed");
        Assert.Equal(1, (int)done["currentStep"]!);
        var attempts = OrchestrationApi.Step(done, 0)["conditionCheck"]!["attempts"]!.AsArray();
        Assert.Equal([false, true], attempts.Select(a => (bool)a!["passed"]!));
        Assert.Equal(200, (int)attempts[0]!["statusCode"]!); // 200 with body false: not passed
        Assert.Single(fixture.Target.CallsTo(first));
        Assert.Single(fixture.Target.CallsTo(second));

        var listed = await _client.GetFromJsonAsync<JsonArray>("/orchestrations?status=completed");
        var row = Assert.Single(listed!, o => (string)o!["id"]! == id)!;
        Assert.Equal(2, (int)row["taskCount"]!);
        var tasks = await _client.GetFromJsonAsync<JsonArray>("/tasks?status=Completed");
        Assert.True(tasks!.Count(t => (string?)t!["orchestrationId"] == id) >= 4, "The steps' and checks' tasks are listed with their orchestration");
    }

    [Fact]
    public async Task Create_OldConditionCheckNames_AreAccepted()
    {
        var check = fixture.Target.UrlFor("body/false");
        var fallback = fixture.Target.UrlFor();
        var id = (string)(await OrchestrationApi.CreateAsync(_client, new
        {
            initialDelayInMS = 0,
            tasks = new[] { new { taskURL = fixture.Target.UrlFor() } },
            conditionCheckTaskURL = check,
            timeDelayForConditionCheck = 50,
            conditionCheckRetries = 1,
            timeDelayBetweenRetries = 50,
            fallbackTaskURL = fallback,
        }))["id"]!;

        var failed = await OrchestrationApi.WaitForStatusAsync(_client, id, "Failed");
        Assert.Equal("ConditionNotMet", (string)failed["failureReason"]!);
        var step = OrchestrationApi.Step(failed, 0);
        Assert.Equal(check, (string)step["conditionCheck"]!["taskURL"]!);
        Assert.Equal(2, step["conditionCheck"]!["attempts"]!.AsArray().Count);
        Assert.Equal("Completed", (string)step["fallbackStatus"]!);
        Assert.Single(fixture.Target.CallsTo(fallback));
    }

    [Fact]
    public async Task Update_Scheduled_ChangesStartAndSteps_ThenConflictsOnceStarted()
    {
        var (old, replacement) = (fixture.Target.UrlFor(), fixture.Target.UrlFor("slow/400"));
        var id = (string)(await OrchestrationApi.CreateAsync(_client, new { initialDelayInMS = 60_000, tasks = new[] { new { taskURL = old } } }))["id"]!;

        using var patch = await _client.PatchAsJsonAsync($"/orchestrations/{id}", new { initialDelayInMS = 0, tasks = new[] { new { taskURL = replacement } } });
        var patched = (await patch.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        Assert.Equal(replacement, (string)OrchestrationApi.Step(patched, 0)["taskURL"]!);
        await fixture.Target.WaitForCallsAsync(replacement);

        using var late = await _client.PatchAsJsonAsync($"/orchestrations/{id}", new { initialDelayInMS = 60_000 });
        await TaskApi.AssertProblemAsync(late, HttpStatusCode.Conflict);
        await OrchestrationApi.WaitForStatusAsync(_client, id, "Completed");
        Assert.Empty(fixture.Target.CallsTo(old));
        using var cancel = await _client.PutAsync($"/orchestrations/{id}/cancel", null);
        await TaskApi.AssertProblemAsync(cancel, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Cancel_Scheduled_Returns200AndRunsNothing()
    {
        var url = fixture.Target.UrlFor();
        // Due in 3 s, so that the cancel comes first even on a loaded machine (at 300 ms it lost the race at a load of 40).
        var id = (string)(await OrchestrationApi.CreateAsync(_client, new { initialDelayInMS = 3000, tasks = new[] { new { taskURL = url } } }))["id"]!;
        using var response = await _client.PutAsync($"/orchestrations/{id}/cancel", null);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True((bool)body["cancelled"]!);
        Assert.Equal("Cancelled", (string)body["status"]!);
        Assert.Equal("Cancelled", (string)OrchestrationApi.Step(body["orchestration"]!.AsObject(), 0)["taskStatus"]!);

        var sentinel = fixture.Target.UrlFor();
        await TaskApi.CreateAsync(_client, new { taskURL = sentinel, delayInMS = 3500 });
        await fixture.Target.WaitForCallsAsync(sentinel);
        Assert.Empty(fixture.Target.CallsTo(url));
        var listed = await _client.GetFromJsonAsync<JsonArray>("/orchestrations?status=Cancelled");
        Assert.Contains(listed!, o => (string)o!["id"]! == id);
    }

    [Fact]
    public async Task Orchestrations_OfAnotherSubject_AreNotFoundAndNotListed_ButAdminsSeeThem()
    {
        var id = (string)(await OrchestrationApi.CreateAsync(_client, new { initialDelayInMS = 60_000, tasks = new[] { new { taskURL = fixture.Target.UrlFor() } } }))["id"]!;
        using var other = fixture.Server.CreateClient(TestTokens.Create($"other-{Guid.NewGuid():N}"));
        foreach (var request in new[]
        {
            new HttpRequestMessage(HttpMethod.Get, $"/orchestrations/{id}"),
            new HttpRequestMessage(HttpMethod.Get, $"/orchestrations/{id}/status"),
            new HttpRequestMessage(HttpMethod.Put, $"/orchestrations/{id}/cancel"),
            new HttpRequestMessage(HttpMethod.Patch, $"/orchestrations/{id}") { Content = TaskApi.Json("""{"initialDelayInMS":1}""") },
        })
        {
            using var response = await other.SendAsync(request);
            await TaskApi.AssertProblemAsync(response, HttpStatusCode.NotFound);
        }

        Assert.DoesNotContain((await other.GetFromJsonAsync<JsonArray>("/orchestrations"))!, o => (string)o!["id"]! == id);
        using var admin = fixture.Server.CreateClient(TestTokens.Create("ops", roles: ["admin"]));
        Assert.Equal(id, (string)(await OrchestrationApi.GetAsync(admin, id))["id"]!);
        using var cancel = await admin.PutAsync($"/orchestrations/{id}/cancel", null);
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
    }

    [Fact]
    public async Task Routes_WithoutToken_Return401()
    {
        using var anonymous = fixture.Server.CreateClient(null);
        using var list = await anonymous.GetAsync("/orchestrations");
        await TaskApi.AssertProblemAsync(list, HttpStatusCode.Unauthorized);
        using var create = await anonymous.PostAsync("/orchestrations", TaskApi.Json("""{"tasks":[{"taskURL":"http://127.0.0.1:1/x"}]}"""));
        await TaskApi.AssertProblemAsync(create, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task List_ManyOrchestrations_PagesNewestFirstThroughLinkHeader()
    {
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((string)(await OrchestrationApi.CreateAsync(_client, new { initialDelayInMS = 60_000, tasks = new[] { new { taskURL = fixture.Target.UrlFor() } } }))["id"]!);
        }

        var seen = new List<string>();
        var next = "/orchestrations?status=scheduled&limit=2";
        while (next is not null)
        {
            using var response = await _client.GetAsync(next);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            seen.AddRange((await response.Content.ReadFromJsonAsync<JsonArray>())!.Select(o => (string)o!["id"]!));
            next = response.Headers.TryGetValues("Link", out var links) ? links.Single().Split('<', '>')[1] : null;
        }

        Assert.Equal(Enumerable.Reverse(ids), seen);
        foreach (var id in ids)
        {
            using var cancel = await _client.PutAsync($"/orchestrations/{id}/cancel", null);
        }
    }
}
