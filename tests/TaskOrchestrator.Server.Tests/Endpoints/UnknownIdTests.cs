using System.Net;
using TaskOrchestrator.Server.Tests.Endpoints.Tasks;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Server.Tests.Endpoints;

/// <summary>Asking for ids at random costs no grain activation: the real server, in-memory storage.</summary>
[Collection(MemoryServerCollection.Name)]
public sealed class UnknownIdTests(MemoryServerFixture fixture)
{
    [Fact]
    public async Task Get_ManyMadeUpIds_Answer404WithoutActivatingGrains()
    {
        using var client = fixture.Server.CreateClient(TestTokens.Create($"user-{Guid.NewGuid():N}"));
        var before = await ActivationsCreatedAsync();

        for (var i = 0; i < 100; i++)
        {
            var id = i % 2 == 0 ? Guid.NewGuid() : Guid.CreateVersion7();
            foreach (var path in new[] { $"/tasks/{id}", $"/tasks/{id}/status", $"/orchestrations/{id}" })
            {
                using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
                await TaskApi.AssertProblemAsync(response, HttpStatusCode.NotFound);
            }
        }

        // 300 lookups: had each activated a grain, that many activations would have been created.
        var after = await ActivationsCreatedAsync();
        Assert.True(after - before < 30, $"{after - before} activations were created during 300 lookups of made-up ids.");
    }

    [Fact]
    public async Task Get_TaskCreatedThroughTheApi_IsFound()
    {
        using var client = fixture.Server.CreateClient(TestTokens.Create($"user-{Guid.NewGuid():N}"));
        var created = await TaskApi.CreateAsync(client, new { taskURL = fixture.Target.UrlFor(), delayInMS = 60_000 });

        using var response = await client.GetAsync(new Uri($"/tasks/{created["id"]}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    // Orleans' own counter of activations created, as the node exports it.
    private async Task<double> ActivationsCreatedAsync() =>
        (await Telemetry.PrometheusScrape.ScrapeAsync(fixture.Server.BaseAddress)).Sum("orleans_catalog_activation_created_total");
}
