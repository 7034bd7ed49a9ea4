using System.Diagnostics;
using TaskOrchestrator.Server.Tests.Endpoints.Tasks;
using TaskOrchestrator.Testing;
using Xunit.Abstractions;

namespace TaskOrchestrator.Server.Tests.Integration;

/// <summary>A task waiting between attempts survives the death of its silo: another node makes the retry.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class RetryFailoverTests(AzuriteFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task KilledNode_TaskWaitingForRetry_SurvivorMakesTheRetry()
    {
        var cluster = $"retry-{Guid.NewGuid():N}";
        var nodes = await ClusterNodes.StartAsync(fixture, cluster, 2);
        var token = TestTokens.Create($"user-{Guid.NewGuid():N}");
        var url = fixture.Target.UrlFor("fail-first/1");

        // Posted to the victim, so its grain lives there; the retry is due 3 s after the first attempt fails.
        string id;
        using (var victim = nodes[1].Server.CreateClient(token))
        {
            id = (string)(await TaskApi.CreateAsync(victim, new
            {
                taskURL = url,
                delayInMS = 0,
                retry = new { maxAttempts = 3, initialDelayInMS = 3000, jitter = 0 },
            }))["id"]!;
            var waiting = await Poll.UntilAsync(
                () => TaskApi.GetAsync(victim, id), t => t["nextAttemptAt"] is not null, TimeSpan.FromSeconds(15), "the first attempt to fail and the retry to be planned");
            Assert.Equal("Running", (string)waiting["status"]!);
            Assert.Equal(500, (int)waiting["attempts"]![0]!["statusCode"]!);
        }

        await nodes[1].Server.KillAsync();
        var clock = Stopwatch.StartNew();

        // Until the cluster declares the victim dead, calls to its grains time out (503): wait for that first.
        await Poll.UntilAsync(
            async () => (await ClusterNodes.StatusesAsync(fixture.Azurite.ConnectionString, cluster))[nodes[1].SiloPort] == "Dead",
            TimeSpan.FromSeconds(60), "the killed silo to be declared Dead");

        using var survivor = nodes[0].Server.CreateClient(token);
        var done = await Poll.UntilAsync(
            () => TaskApi.GetAsync(survivor, id), t => (string)t["status"]! is "Completed" or "Failed", TimeSpan.FromSeconds(45), "the survivor to make the retry");
        output.WriteLine($"Kill -> retry made by the survivor and the task completed: {clock.Elapsed.TotalSeconds:0.0} s");

        Assert.Equal("Completed", (string)done["status"]!);
        Assert.Equal([500, 200], done["attempts"]!.AsArray().Select(a => (int)a!["statusCode"]!));
        Assert.Equal(2, fixture.Target.CallsTo(url).Count);
        Assert.Equal($"{id}:2", fixture.Target.CallsTo(url)[1].Headers["Idempotency-Key"]);
    }
}
