using System.Net;
using System.Net.Http.Json;
using TaskOrchestrator.Server.Tests.Endpoints.Orchestrations;
using TaskOrchestrator.Server.Tests.Endpoints.Tasks;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Server.Tests.Limits;

/// <summary>The cap on each owner's pending tasks and orchestrations, on a real server that allows 2 and 1.</summary>
public sealed class PendingLimitTests(PendingLimitTests.ServerWithSmallCaps fixture) : IClassFixture<PendingLimitTests.ServerWithSmallCaps>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task CreateTask_AtPendingCap_Returns429UntilOneIsCancelled()
    {
        using var client = NewOwner();
        var first = await TaskApi.CreateAsync(client, FarTask());
        await TaskApi.CreateAsync(client, FarTask());

        using var refused = await client.PostAsJsonAsync("/tasks", FarTask());

        var problem = await TaskApi.AssertProblemAsync(refused, HttpStatusCode.TooManyRequests);
        Assert.Equal(TimeSpan.FromSeconds(10), refused.Headers.RetryAfter?.Delta);
        Assert.Equal("Over the pending tasks limit", (string)problem["title"]!);
        Assert.Contains("limit of pending tasks per owner is 2", (string)problem["detail"]!, StringComparison.Ordinal);
        Assert.Equal(2, (int)problem["limit"]!);
        Assert.Equal(2, (int)problem["pending"]!);

        using var cancel = await client.PutAsync($"/tasks/{first["id"]}/cancel", null);
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        await Poll.UntilAsync(() => TryCreateAsync(client, "/tasks", FarTask()), Deadline, "a task to be accepted once one of the two was cancelled");
    }

    [Fact]
    public async Task CreateTask_AtPendingCap_IsAcceptedOnceOneCompletes()
    {
        using var client = NewOwner();
        var due = fixture.Target.UrlFor();
        var soon = await TaskApi.CreateAsync(client, new { taskURL = due, delayInMS = 500 });
        await TaskApi.CreateAsync(client, FarTask());
        using (var refused = await client.PostAsJsonAsync("/tasks", FarTask()))
        {
            await TaskApi.AssertProblemAsync(refused, HttpStatusCode.TooManyRequests);
        }

        await Poll.UntilAsync(async () => await TaskApi.StatusAsync(client, (string)soon["id"]!) == "Completed", Deadline, "the task due soon to complete");
        await Poll.UntilAsync(() => TryCreateAsync(client, "/tasks", FarTask()), Deadline, "a task to be accepted once one of the two completed");
    }

    [Fact]
    public async Task CreateOrchestration_AtPendingCap_Returns429UntilItIsCancelled()
    {
        using var client = NewOwner();
        var first = await OrchestrationApi.CreateAsync(client, FarOrchestration());

        using var refused = await client.PostAsJsonAsync("/orchestrations", FarOrchestration());

        var problem = await TaskApi.AssertProblemAsync(refused, HttpStatusCode.TooManyRequests);
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Equal("Over the pending orchestrations limit", (string)problem["title"]!);
        Assert.Contains("limit of pending orchestrations per owner is 1", (string)problem["detail"]!, StringComparison.Ordinal);

        using var cancel = await client.PutAsync($"/orchestrations/{first["id"]}/cancel", null);
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        await Poll.UntilAsync(() => TryCreateAsync(client, "/orchestrations", FarOrchestration()), Deadline, "an orchestration to be accepted once the first was cancelled");
    }

    [Fact]
    public async Task CreateSchedule_AtCap_Returns429UntilOneIsDeleted_AndItsRunsDoNotCountAsTasks()
    {
        using var client = NewOwner();
        var schedule = new { cron = "@daily", task = new { taskURL = fixture.Target.UrlFor() } };
        using var first = await client.PostAsJsonAsync("/schedules", schedule);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var id = (string)(await first.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>())!["id"]!;

        using var refused = await client.PostAsJsonAsync("/schedules", schedule);

        var problem = await TaskApi.AssertProblemAsync(refused, HttpStatusCode.TooManyRequests);
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Equal("Over the schedules limit", (string)problem["title"]!);
        Assert.Contains("the limit per owner is 1", (string)problem["detail"]!, StringComparison.Ordinal);

        // A run it creates is not a standalone task: two tasks still fit under the cap of 2.
        using (var trigger = await client.PostAsync($"/schedules/{id}/trigger", null))
        {
            Assert.Equal(HttpStatusCode.Created, trigger.StatusCode);
        }

        await TaskApi.CreateAsync(client, FarTask());
        await TaskApi.CreateAsync(client, FarTask());

        using var delete = await client.DeleteAsync($"/schedules/{id}");
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        await Poll.UntilAsync(() => TryCreateAsync(client, "/schedules", schedule), Deadline, "a schedule to be accepted once the first was deleted");
    }

    [Fact]
    public async Task CreateTask_StepsOfOrchestrations_DoNotCount()
    {
        // The orchestration's first step is a Scheduled task of this owner, and so would be counted if steps were.
        using var client = NewOwner();
        var orchestration = await OrchestrationApi.CreateAsync(client, FarOrchestration());
        Assert.NotNull(OrchestrationApi.Step(orchestration, 0)["taskId"]);

        await TaskApi.CreateAsync(client, FarTask());
        await TaskApi.CreateAsync(client, FarTask());
    }

    [Fact]
    public async Task CreateTask_OtherOwnersAtTheirCap_DoNotLimitThisOne()
    {
        using var full = NewOwner();
        await TaskApi.CreateAsync(full, FarTask());
        await TaskApi.CreateAsync(full, FarTask());

        using var other = NewOwner();
        await TaskApi.CreateAsync(other, FarTask());
    }

    [Fact]
    public async Task Create_ByAdmin_IsNotCapped()
    {
        using var admin = fixture.Server.CreateClient(TestTokens.Create($"ops-{Guid.NewGuid():N}", roles: ["admin"]));
        for (var i = 0; i < 4; i++)
        {
            await TaskApi.CreateAsync(admin, FarTask());
            await OrchestrationApi.CreateAsync(admin, FarOrchestration());
        }
    }

    [Fact]
    public async Task CreateTask_RefusedForAnotherReason_DoesNotUseUpAPlace()
    {
        // A create refused after the place was reserved (here: an Idempotency-Key reused for another body) gives it back.
        using var client = NewOwner();
        await TaskApi.CreateAsync(client, FarTask());
        var key = Guid.NewGuid().ToString("N");
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/tasks") { Content = JsonContent.Create(FarTask()) })
        {
            request.Headers.Add("Idempotency-Key", key);
            using var created = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        // Both places are taken now; free one, then have the reused key refused several times: each refusal gives its place back.
        var tasks = await client.GetFromJsonAsync<System.Text.Json.Nodes.JsonArray>("/tasks");
        using var cancel = await client.PutAsync($"/tasks/{tasks![0]!["id"]}/cancel", null);
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        for (var i = 0; i < 4; i++)
        {
            await Poll.UntilAsync(() => ReusedKeyRefusedAsync(client, key), Deadline, $"the reused key to be refused with 422 (not 429) for the {i + 1}th time");
        }

        await Poll.UntilAsync(() => TryCreateAsync(client, "/tasks", FarTask()), Deadline, "the free place to be taken by a new task");
    }

    /// <summary>True when a create with <paramref name="key"/> and a new body is refused with 422; false at the cap.</summary>
    private async Task<bool> ReusedKeyRefusedAsync(HttpClient client, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/tasks") { Content = JsonContent.Create(FarTask()) };
        request.Headers.Add("Idempotency-Key", key);
        using var response = await client.SendAsync(request);
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            return false;
        }

        await TaskApi.AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        return true;
    }

    private HttpClient NewOwner() => fixture.Server.CreateClient(TestTokens.Create($"user-{Guid.NewGuid():N}"));

    private object FarTask() => new { taskURL = fixture.Target.UrlFor(), delayInMS = 600_000 };

    private object FarOrchestration() => new { initialDelayInMS = 600_000, tasks = new[] { new { taskURL = fixture.Target.UrlFor() } } };

    /// <summary>True when the create was accepted; false when refused at the cap (any other answer fails the test).</summary>
    private static async Task<bool> TryCreateAsync(HttpClient client, string path, object body)
    {
        using var response = await client.PostAsJsonAsync(path, body);
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            await TaskApi.AssertProblemAsync(response, HttpStatusCode.TooManyRequests);
            return false;
        }

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return true;
    }

    /// <summary>A server (in-memory storage) that lets each owner have 2 pending tasks and 1 pending orchestration.</summary>
    public sealed class ServerWithSmallCaps : IAsyncLifetime
    {
        public ServerProcess Server { get; private set; } = null!;

        public RecordingTarget Target { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Target = await RecordingTarget.StartAsync();
            var settings = ServerSettings.InMemory();
            settings["TaskOrchestrator:Limits:Pending:MaxTasks"] = "2";
            settings["TaskOrchestrator:Limits:Pending:MaxOrchestrations"] = "1";
            settings["TaskOrchestrator:Limits:Pending:MaxSchedules"] = "1";
            Server = await ServerProcess.StartAsync(settings);
        }

        public async Task DisposeAsync()
        {
            await Server.StopAsync();
            await Server.DisposeAsync();
            await Target.DisposeAsync();
        }
    }
}
