using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using TaskOrchestrator.Server.Tests.Endpoints.Tasks;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Server.Tests.Integration;

/// <summary>A recurring schedule survives <c>kill -9</c> of its node: it goes on after a restart, one run per occurrence, none early.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ScheduleRestartTests(AzuriteFixture fixture)
{
    [Fact]
    public async Task KilledServer_AfterRestart_ScheduleGoesOnWithOneRunPerOccurrenceNoneEarly()
    {
        var settings = fixture.SettingsFor($"schedule-crash-{Guid.NewGuid():N}");
        var token = TestTokens.Create($"user-{Guid.NewGuid():N}");
        var url = fixture.Target.UrlFor();

        var first = await fixture.StartServerAsync(settings);
        string id;
        using (var client = first.CreateClient(token))
        {
            using var created = await client.PostAsJsonAsync("/schedules", new { everyInMS = 2000, overlap = "allow", catchUp = "all", task = new { taskURL = url } });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            id = (string)(await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!;
            await fixture.Target.WaitForCallsAsync(url, 2, TimeSpan.FromSeconds(30));
        }

        await first.KillAsync();
        var killedAt = DateTimeOffset.UtcNow;

        var second = await fixture.StartServerAsync(settings);
        using var after = second.CreateClient(token);

        // Two occurrences after the restart came from the surviving schedule.
        var tasks = await Poll.UntilAsync(
            () => after.GetFromJsonAsync<JsonArray>($"/tasks?scheduleId={id}&limit=1000")!,
            t => t!.Count(task => TaskApi.Instant(task!["scheduledFor"]) > killedAt.AddSeconds(2) && (string)task["status"]! == "Completed") >= 2,
            TimeSpan.FromSeconds(60), "two runs completed after the restart");

        // One task per occurrence (their ids come from the schedule and the instant), each due on its occurrence.
        var occurrences = tasks!.Select(t => TaskApi.Instant(t!["scheduledFor"])).ToList();
        Assert.Equal(occurrences.Count, occurrences.Distinct().Count());
        Assert.All(tasks!, t => Assert.Equal(TaskApi.Instant(t!["scheduledFor"]), TaskApi.Instant(t["dueAt"])));

        // catchUp "all": every occurrence from the first to the latest has its run, those during the outage included.
        var ordered = occurrences.Order().ToList();
        Assert.Equal(Enumerable.Repeat(TimeSpan.FromSeconds(2), ordered.Count - 1), ordered.Zip(ordered.Skip(1), (a, b) => b - a));

        // None early: every call the target saw came at or after its occurrence.
        foreach (var task in tasks!.Where(t => (string)t!["status"]! == "Completed"))
        {
            var full = await TaskApi.GetAsync(after, (string)task!["id"]!);
            var started = TaskApi.Instant(full["attempts"]![0]!["startedAt"]);
            Assert.True(started >= TaskApi.Instant(full["scheduledFor"]), $"A run started at {started:O}, before its occurrence {full["scheduledFor"]}");
        }

        using var delete = await after.DeleteAsync($"/schedules/{id}");
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        await second.StopAsync();
    }
}
