using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using TaskOrchestrator.Server.Tests.Endpoints.Orchestrations;
using TaskOrchestrator.Server.Tests.Endpoints.Tasks;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Server.Tests.Endpoints.Loop;

/// <summary><c>POST /tasks/{id}/rerun</c> and <c>POST /orchestrations/{id}/retry</c> against the real server process on Azurite.</summary>
[Collection(LoopServerCollection.Name)]
public sealed class ReplayEndpointsTests(LoopServerFixture fixture)
{
    [Fact]
    public async Task Rerun_FailedTask_201WithANewTaskOfTheSameCallThenARerunOfTheRerun()
    {
        using var client = fixture.NewOwner();
        var url = fixture.Target.UrlFor("status/400");
        var original = await LoopServerFixture.CreateAndWaitAsync(
            client, new { taskURL = url, method = "PUT", delayInMS = 0, labels = new Dictionary<string, string> { ["team"] = "billing" } }, "Failed");
        var id = (string)original["id"]!;

        using var response = await client.PostAsync($"/tasks/{id}/rerun", null);
        var rerun = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var rerunId = (string)rerun["id"]!;
        Assert.NotEqual(id, rerunId);
        Assert.Equal($"/tasks/{rerunId}", response.Headers.Location?.OriginalString);
        Assert.Equal(id, (string)rerun["rerunOf"]!);
        Assert.Equal(url, (string)rerun["taskURL"]!);
        Assert.Equal("PUT", (string)rerun["method"]!);
        Assert.Equal("billing", (string)rerun["labels"]!["team"]!);
        Assert.Equal(original["retry"]!.ToJsonString(), rerun["retry"]!.ToJsonString());

        // It runs (the target is called a second time) and fails like the original; the original lists it.
        await fixture.Target.WaitForCallsAsync(url, 2, TimeSpan.FromSeconds(30));
        await LoopServerFixture.WaitForAsync(client, rerunId, "Failed");
        Assert.Equal([rerunId], (await TaskApi.GetAsync(client, id))["reruns"]!.AsArray().Select(r => (string)r!));

        // A rerun of the rerun.
        using var again = await client.PostAsync($"/tasks/{rerunId}/rerun", null);
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        var second = (await again.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(rerunId, (string)second["rerunOf"]!);
        await LoopServerFixture.WaitForAsync(client, (string)second["id"]!, "Failed");
        Assert.Equal(3, fixture.Target.CallsTo(url).Count);
        Assert.Equal([(string)second["id"]!], (await TaskApi.GetAsync(client, rerunId))["reruns"]!.AsArray().Select(r => (string)r!));
    }

    [Fact]
    public async Task Rerun_WithDelayOrRunAt_IsDueThen()
    {
        using var client = fixture.NewOwner();
        var id = (string)(await LoopServerFixture.CreateAndWaitAsync(client, fixture.Failing(), "Failed"))["id"]!;

        var before = DateTimeOffset.UtcNow;
        using var delayed = await client.PostAsJsonAsync($"/tasks/{id}/rerun", new { delayInMS = 3_600_000 });
        Assert.Equal(HttpStatusCode.Created, delayed.StatusCode);
        var rerun = (await delayed.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("Scheduled", (string)rerun["status"]!);
        Assert.InRange(TaskApi.Instant(rerun["dueAt"]), before.AddHours(1).AddSeconds(-1), DateTimeOffset.UtcNow.AddHours(1).AddSeconds(1));

        var at = DateTimeOffset.UtcNow.AddHours(2);
        using var timed = await client.PostAsJsonAsync($"/tasks/{id}/rerun", new { runAt = at });
        Assert.Equal(HttpStatusCode.Created, timed.StatusCode);
        var timedRerun = (await timed.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(at.ToUnixTimeMilliseconds(), TaskApi.Instant(timedRerun["dueAt"]).ToUnixTimeMilliseconds());
        Assert.Equal(2, (await TaskApi.GetAsync(client, id))["reruns"]!.AsArray().Count);

        using var both = await client.PostAsJsonAsync($"/tasks/{id}/rerun", new { delayInMS = 1, runAt = at });
        await TaskApi.AssertProblemAsync(both, HttpStatusCode.BadRequest);

        foreach (var scheduled in new[] { rerun, timedRerun })
        {
            using var cancel = await client.PutAsync($"/tasks/{scheduled["id"]}/cancel", null);
            Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        }
    }

    [Fact]
    public async Task Rerun_ScheduledUnknownOrAnotherOwners_409Or404()
    {
        using var client = fixture.NewOwner();
        var scheduled = (string)(await TaskApi.CreateAsync(client, fixture.Later()))["id"]!;
        using var conflict = await client.PostAsync($"/tasks/{scheduled}/rerun", null);
        var problem = await TaskApi.AssertProblemAsync(conflict, HttpStatusCode.Conflict);
        Assert.Contains("Scheduled", (string)problem["detail"]!, StringComparison.Ordinal);

        using var unknown = await client.PostAsync($"/tasks/{Guid.CreateVersion7()}/rerun", null);
        await TaskApi.AssertProblemAsync(unknown, HttpStatusCode.NotFound);

        var failed = (string)(await LoopServerFixture.CreateAndWaitAsync(client, fixture.Failing(), "Failed"))["id"]!;
        using var other = fixture.NewOwner();
        using var stranger = await other.PostAsync($"/tasks/{failed}/rerun", null);
        await TaskApi.AssertProblemAsync(stranger, HttpStatusCode.NotFound);
        Assert.Empty((await TaskApi.GetAsync(client, failed))["reruns"]!.AsArray());

        using var cancel = await client.PutAsync($"/tasks/{scheduled}/cancel", null);
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
    }

    [Fact]
    public async Task Rerun_OwnerAtItsPendingCap_429()
    {
        using var client = fixture.NewOwner();
        var failed = (string)(await LoopServerFixture.CreateAndWaitAsync(client, fixture.Failing(), "Failed"))["id"]!;
        // Fill the owner's cap: POST /tasks is refused once it is reached.
        var pending = new List<string>();
        for (var i = 0; i < LoopServerFixture.MaxPendingTasks + 10; i++)
        {
            using var create = await client.PostAsJsonAsync("/tasks", fixture.Later());
            if (create.StatusCode == (HttpStatusCode)429)
            {
                break;
            }

            Assert.Equal(HttpStatusCode.Created, create.StatusCode);
            pending.Add((string)(await create.Content.ReadFromJsonAsync<JsonObject>())!["id"]!);
        }

        // The owner's count is kept approximately between recounts (see docs/limits.md): the cap is reached, give or take one.
        Assert.InRange(pending.Count, LoopServerFixture.MaxPendingTasks - 1, LoopServerFixture.MaxPendingTasks + 1);

        using var refused = await client.PostAsync($"/tasks/{failed}/rerun", null);
        await TaskApi.AssertProblemAsync(refused, (HttpStatusCode)429);
        Assert.True(refused.Headers.RetryAfter is not null, "429 without Retry-After");
        Assert.Empty((await TaskApi.GetAsync(client, failed))["reruns"]!.AsArray());

        foreach (var id in pending)
        {
            using var cancel = await client.PutAsync($"/tasks/{id}/cancel", null);
            Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        }
    }

    [Fact]
    public async Task Retry_FailedOrchestration_ResumesFromTheFailedStepKeepingTheFailedRun()
    {
        using var client = fixture.NewOwner();
        var (first, flaky, last) = (fixture.Target.UrlFor(), fixture.Target.UrlFor("fail-first/1"), fixture.Target.UrlFor());
        var id = (string)(await OrchestrationApi.CreateAsync(client, new
        {
            initialDelayInMS = 0,
            tasks = new object[]
            {
                new { taskURL = first },
                new { taskURL = flaky, retry = new { maxAttempts = 1 } },
                new { taskURL = last },
            },
        }))["id"]!;
        var failed = await OrchestrationApi.WaitForStatusAsync(client, id, "Failed");
        Assert.Equal(1, (int)failed["currentStep"]!);
        var failedTask = (string)OrchestrationApi.Step(failed, 1)["taskId"]!;

        using var response = await client.PostAsync($"/orchestrations/{id}/retry", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var retried = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.NotEqual("Failed", (string)retried["status"]!);

        var completed = await OrchestrationApi.WaitForStatusAsync(client, id, "Completed");
        Assert.Single(fixture.Target.CallsTo(first));
        Assert.Equal(2, fixture.Target.CallsTo(flaky).Count);
        Assert.Single(fixture.Target.CallsTo(last));
        Assert.NotEqual(failedTask, (string)OrchestrationApi.Step(completed, 1)["taskId"]!);

        var previous = completed["previousRuns"]!.AsArray().Single()!;
        Assert.Equal("TaskFailed", (string)previous["failureReason"]!);
        Assert.Equal(1, (int)previous["failedStep"]!["index"]!);
        Assert.Equal(failedTask, (string)previous["failedStep"]!["taskId"]!);
        Assert.Equal("Failed", (string)previous["failedStep"]!["taskStatus"]!);

        // The failed step's task stays as it was.
        Assert.Equal("Failed", await TaskApi.StatusAsync(client, failedTask));

        using var again = await client.PostAsync($"/orchestrations/{id}/retry", null);
        var problem = await TaskApi.AssertProblemAsync(again, HttpStatusCode.Conflict);
        Assert.Contains("Completed", (string)problem["detail"]!, StringComparison.Ordinal);

        using var other = fixture.NewOwner();
        using var stranger = await other.PostAsync($"/orchestrations/{id}/retry", null);
        await TaskApi.AssertProblemAsync(stranger, HttpStatusCode.NotFound);
    }
}
