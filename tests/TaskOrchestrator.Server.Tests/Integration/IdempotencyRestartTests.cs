using System.Net;
using TaskOrchestrator.Server.Tests.Endpoints.Orchestrations;
using TaskOrchestrator.Server.Tests.Endpoints.Tasks;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Server.Tests.Integration;

/// <summary>An idempotency key's claim lives in Azure Storage: a repeat after a restart still finds the first resource.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class IdempotencyRestartTests(AzuriteFixture fixture)
{
    [Fact]
    public async Task CreateTask_SameKeyAfterRestart_Returns200WithFirstTask()
    {
        var settings = fixture.SettingsFor($"idem-{Guid.NewGuid():N}");
        var token = TestTokens.Create($"user-{Guid.NewGuid():N}");
        var key = TaskIdempotencyTests.NewKey();
        var task = new { taskURL = fixture.Target.UrlFor(), delayInMS = 60_000 };
        var orchestration = new { initialDelayInMS = 60_000, tasks = new object[] { new { taskURL = fixture.Target.UrlFor() } } };
        string taskId, orchestrationId;

        var first = await fixture.StartServerAsync(settings);
        using (var client = first.CreateClient(token))
        {
            using var created = await TaskIdempotencyTests.PostAsync(client, key, task);
            taskId = (string)(await TaskIdempotencyTests.ReadAsync(created, HttpStatusCode.Created))["id"]!;
            using var createdOrchestration = await TaskIdempotencyTests.PostAsync(client, key, orchestration, "/orchestrations");
            orchestrationId = (string)(await TaskIdempotencyTests.ReadAsync(createdOrchestration, HttpStatusCode.Created))["id"]!;
        }

        await first.StopAsync();
        var second = await fixture.StartServerAsync(settings);
        using var after = second.CreateClient(token);

        using var replayed = await TaskIdempotencyTests.PostAsync(after, key, task);
        Assert.Equal(taskId, (string)(await TaskIdempotencyTests.ReadAsync(replayed, HttpStatusCode.OK))["id"]!);
        Assert.Equal("true", Assert.Single(replayed.Headers.GetValues("Idempotent-Replayed")));

        using var replayedOrchestration = await TaskIdempotencyTests.PostAsync(after, key, orchestration, "/orchestrations");
        Assert.Equal(orchestrationId, (string)(await TaskIdempotencyTests.ReadAsync(replayedOrchestration, HttpStatusCode.OK))["id"]!);

        using var reused = await TaskIdempotencyTests.PostAsync(after, key, new { taskURL = fixture.Target.UrlFor(), delayInMS = 60_000 });
        await TaskApi.AssertProblemAsync(reused, (HttpStatusCode)422);
        Assert.Equal("Scheduled", (string)(await OrchestrationApi.GetAsync(after, orchestrationId))["status"]!);
        await second.StopAsync();
    }
}
