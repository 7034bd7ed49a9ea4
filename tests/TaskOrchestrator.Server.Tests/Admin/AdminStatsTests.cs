using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using TaskOrchestrator.Server.Tests.Endpoints.Tasks;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Server.Tests.Admin;

[Collection(MemoryServerCollection.Name)]
public sealed class AdminStatsTests(MemoryServerFixture fixture)
{
    [Fact]
    public async Task Stats_ForAdmin_CountTheWorkDoneSinceTheLastLook()
    {
        using var admin = fixture.Server.CreateClient(TestTokens.Create("operator", roles: ["admin"]));
        var before = (await admin.GetFromJsonAsync<JsonObject>("/admin/stats"))!;

        // A full collection on request: the counters must see at least that one, and some allocation in between.
        var after = (await admin.GetFromJsonAsync<JsonObject>("/admin/stats?gc=true"))!;

        Assert.True((long)after["allocatedBytes"]! > (long)before["allocatedBytes"]!);
        Assert.True((int)after["garbageCollections"]! > (int)before["garbageCollections"]!);
        Assert.True((double)after["gcPauseMs"]! >= (double)before["gcPauseMs"]!);
        Assert.True((long)after["jitCompiledMethods"]! > 0);
        Assert.True((long)after["jitCompiledMethods"]! >= (long)before["jitCompiledMethods"]!);
        Assert.True((double)after["jitCompilationMs"]! > 0);
        Assert.True((long)after["managedMemoryBytes"]! > 0);
        Assert.True((long)after["workingSetBytes"]! > 0);
        Assert.True((int)after["activations"]! >= 0);
        Assert.IsType<JsonObject>(after["storageCallsByKind"]);
    }

    [Fact]
    public async Task Stats_ForOtherCallers_AreForbidden()
    {
        using var alice = fixture.Server.CreateClient(TestTokens.Create($"alice-{Guid.NewGuid():N}"));
        using var response = await alice.GetAsync("/admin/stats");
        await TaskApi.AssertProblemAsync(response, HttpStatusCode.Forbidden);
    }
}
