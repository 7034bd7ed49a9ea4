using System.Net.Http.Json;
using System.Text.Json.Nodes;
using TaskOrchestrator.Server.Tests.Endpoints.Orchestrations;
using TaskOrchestrator.Server.Tests.Endpoints.Tasks;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Server.Tests.Integration;

/// <summary>Orchestrations against real Azurite, the real server process and real HTTP targets on 127.0.0.1.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class OrchestrationLifecycleTests(AzuriteFixture fixture)
{
    [Fact]
    public async Task Orchestration_EndToEnd_RunsStepsAndChecksInOrderAndCompletes()
    {
        var server = await fixture.StartServerAsync(fixture.SettingsFor($"orchestration-{Guid.NewGuid():N}"));
        using var client = server.CreateClient(TestTokens.Create($"user-{Guid.NewGuid():N}"));
        var steps = new[] { fixture.Target.UrlFor(), fixture.Target.UrlFor(), fixture.Target.UrlFor() };
        var (check, retriedCheck) = (fixture.Target.UrlFor(), fixture.Target.UrlFor("pass-after/1"));

        var created = await OrchestrationApi.CreateAsync(client, new
        {
            initialDelayInMS = 300,
            tasks = new object[]
            {
                new { taskURL = steps[0], body = "first" },
                new { taskURL = steps[1], conditionCheck = new { taskURL = retriedCheck, retries = 2, retryDelayInMS = 200 } },
                new { taskURL = steps[2] },
            },
            conditionCheck = new { taskURL = check, delayInMS = 100 },
        });
        var id = (string)created["id"]!;
        var startAt = TaskApi.Instant(created["startAt"]);

        var done = await OrchestrationApi.WaitForStatusAsync(client, id, "Completed", TimeSpan.FromSeconds(30));
        var calls = steps.Select(s => Assert.Single(fixture.Target.CallsTo(s))).ToList();
        Assert.True(calls[0].ArrivedAt >= startAt, $"The first step ran early: {calls[0].ArrivedAt:O} < {startAt:O}");
        Assert.True(calls[0].ArrivedAt - startAt < TimeSpan.FromSeconds(3), $"The first step ran {(calls[0].ArrivedAt - startAt).TotalMilliseconds} ms late");
        Assert.Equal("first", calls[0].Body);
        Assert.True(calls[0].ArrivedAt < calls[1].ArrivedAt && calls[1].ArrivedAt < calls[2].ArrivedAt, "The steps ran out of order");
        Assert.Equal(2, fixture.Target.CallsTo(check).Count);
        Assert.Equal(2, fixture.Target.CallsTo(retriedCheck).Count);
        Assert.Equal([false, true], OrchestrationApi.Step(done, 1)["conditionCheck"]!["attempts"]!.AsArray().Select(a => (bool)a!["passed"]!));
        Assert.All(done["steps"]!.AsArray(), s => Assert.Equal("Passed", (string)s!["status"]!));

        // The listing rows are written after the state the grain answers from: on a loaded machine they come a little later.
        await Poll.UntilAsync(
            async () => (await client.GetFromJsonAsync<JsonArray>("/orchestrations?status=Completed"))!.Any(o => (string)o!["id"]! == id),
            TimeSpan.FromSeconds(10),
            $"orchestration {id} in the listing of Completed orchestrations");
        var tasks = await client.GetFromJsonAsync<JsonArray>("/tasks");
        Assert.Equal(7, tasks!.Count(t => (string?)t!["orchestrationId"] == id));
        await server.StopAsync();
    }

    [Fact]
    public async Task KilledServer_MidOrchestration_ResumesAtTheRightStepWithoutRerunningFinishedSteps()
    {
        var settings = fixture.SettingsFor($"orchestration-crash-{Guid.NewGuid():N}");
        var token = TestTokens.Create($"user-{Guid.NewGuid():N}");
        var steps = new[] { fixture.Target.UrlFor(), fixture.Target.UrlFor("slow/3000"), fixture.Target.UrlFor() };
        var checks = new[] { fixture.Target.UrlFor(), fixture.Target.UrlFor(), fixture.Target.UrlFor() };

        var first = await fixture.StartServerAsync(settings);
        string id;
        using (var client = first.CreateClient(token))
        {
            id = (string)(await OrchestrationApi.CreateAsync(client, new
            {
                initialDelayInMS = 200,
                tasks = steps.Zip(checks, (step, check) => new { taskURL = step, conditionCheck = new { taskURL = check } }),
            }))["id"]!;

            // Step 0 and its check are done, step 1's call is in flight: the process dies now.
            await fixture.Target.WaitForCallsAsync(steps[1]);
            var running = await OrchestrationApi.GetAsync(client, id);
            Assert.Equal(1, (int)running["currentStep"]!);
        }

        await first.KillAsync();

        var second = await fixture.StartServerAsync(settings);
        using var after = second.CreateClient(token);
        await fixture.Target.WaitForCallsAsync(steps[2], timeout: TimeSpan.FromSeconds(60));
        var done = await OrchestrationApi.WaitForStatusAsync(after, id, "Completed", TimeSpan.FromSeconds(20));

        Assert.Single(fixture.Target.CallsTo(steps[0]));
        Assert.Single(fixture.Target.CallsTo(checks[0]));
        Assert.InRange(fixture.Target.CallsTo(steps[1]).Count, 1, 2);
        Assert.Single(fixture.Target.CallsTo(checks[1]));
        Assert.Single(fixture.Target.CallsTo(steps[2]));
        Assert.Single(fixture.Target.CallsTo(checks[2]));
        Assert.All(done["steps"]!.AsArray(), s => Assert.Equal("Passed", (string)s!["status"]!));
        await second.StopAsync();
    }
}
