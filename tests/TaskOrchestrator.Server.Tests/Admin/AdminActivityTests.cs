using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using TaskOrchestrator.Server.Tests.Endpoints.Tasks;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Server.Tests.Admin;

[Collection(MemoryServerCollection.Name)]
public sealed class AdminActivityTests(MemoryServerFixture fixture)
{
    [Fact]
    public async Task Activity_ForAdmin_CountsCallsSecondBySecond()
    {
        using var alice = fixture.Server.CreateClient(TestTokens.Create($"alice-{Guid.NewGuid():N}"));
        using var admin = fixture.Server.CreateClient(TestTokens.Create("operator", roles: ["admin"]));
        var ok = fixture.Target.UrlFor();
        var failing = fixture.Target.UrlFor("status/500");
        var okId = (string)(await TaskApi.CreateAsync(alice, new { taskURL = ok, delayInMS = 0 }))["id"]!;
        var failingId = (string)(await TaskApi.CreateAsync(alice, new { taskURL = failing, delayInMS = 0, retry = new { maxAttempts = 1 } }))["id"]!;
        foreach (var id in new[] { okId, failingId })
        {
            await Poll.UntilAsync(() => TaskApi.GetAsync(alice, id), t => t["finishedAt"] is not null, TimeSpan.FromSeconds(15), $"task {id} to finish");
        }

        // The second under way is left out: wait until the finishes are in a whole second.
        var points = await Poll.UntilAsync(
            async () => (await admin.GetFromJsonAsync<JsonArray>("/admin/activity?seconds=60"))!,
            p => p.Sum(s => (long)s!["succeeded"]!) >= 1 && p.Sum(s => (long)s!["failed"]!) >= 1,
            TimeSpan.FromSeconds(10), "a success and a failure in the activity");

        Assert.Equal(60, points.Count);
        var seconds = points.Select(p => p!["at"]!.GetValue<DateTimeOffset>()).ToArray();
        Assert.All(seconds.Zip(seconds.Skip(1)), pair => Assert.Equal(TimeSpan.FromSeconds(1), pair.Second - pair.First));
        Assert.True(seconds[^1] < DateTimeOffset.UtcNow, "The last point is a whole second that has ended.");
        Assert.True(points.Sum(p => (long)p!["fired"]!) >= 2);
        Assert.Contains(points, p => p!["latenessP50Ms"] is not null && p["latenessP99Ms"] is not null);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("301")]
    [InlineData("ten")]
    [InlineData("-5")]
    public async Task Activity_SecondsOutOfRange_Answers400NamingTheRange(string seconds)
    {
        using var admin = fixture.Server.CreateClient(TestTokens.Create("operator", roles: ["admin"]));
        using var response = await admin.GetAsync(new Uri($"/admin/activity?seconds={seconds}", UriKind.Relative));
        var problem = await TaskApi.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("seconds must be a whole number from 1 to 300.", (string)problem["detail"]!);
    }

    [Fact]
    public async Task Activity_ForOtherCallers_IsForbidden()
    {
        using var alice = fixture.Server.CreateClient(TestTokens.Create($"alice-{Guid.NewGuid():N}"));
        using var response = await alice.GetAsync(new Uri("/admin/activity", UriKind.Relative));
        await TaskApi.AssertProblemAsync(response, HttpStatusCode.Forbidden);
    }
}
