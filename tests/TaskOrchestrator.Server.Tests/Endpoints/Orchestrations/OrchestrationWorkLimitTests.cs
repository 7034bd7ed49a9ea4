using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using TaskOrchestrator.Server.Tests.Endpoints.Tasks;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Server.Tests.Endpoints.Orchestrations;

/// <summary>The bound on the calls one orchestration can make (default 10,000), at create and at PATCH.</summary>
[Collection(MemoryServerCollection.Name)]
public sealed class OrchestrationWorkLimitTests(MemoryServerFixture fixture)
{
    private readonly HttpClient _client = fixture.Server.CreateClient(TestTokens.Create($"user-{Guid.NewGuid():N}"));

    [Fact]
    public async Task Create_StepsTimesAttemptsOverTheLimit_Returns422NamingLimitAndFigure()
    {
        var steps = Enumerable.Range(0, 1000).Select(_ => new { taskURL = fixture.Target.UrlFor(), retry = new { maxAttempts = 11 } }).ToArray();

        using var response = await _client.PostAsJsonAsync("/orchestrations", new { initialDelayInMS = 600_000, tasks = steps });

        var problem = await TaskApi.AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("Too much work for one orchestration", (string)problem["title"]!);
        Assert.Contains("up to 11000 calls", (string)problem["detail"]!, StringComparison.Ordinal);
        Assert.Contains("limit of calls per orchestration is 10000", (string)problem["detail"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_ExactlyAtTheLimit_IsAcceptedAndOneFallbackMoreIsNot()
    {
        // 100 attempts of the step, then (99 retries + 1) check attempts of up to 99 calls each: 100 + 100 x 99 = 10,000.
        object Body(string? fallback) => new
        {
            initialDelayInMS = 600_000,
            tasks = new[] { new { taskURL = fixture.Target.UrlFor(), retry = new { maxAttempts = 100 } } },
            conditionCheck = new { taskURL = fixture.Target.UrlFor(), retries = 99, retry = new { maxAttempts = 99 } },
            fallbackTaskURL = fallback,
        };

        var accepted = await OrchestrationApi.CreateAsync(_client, Body(fallback: null));
        using var cancel = await _client.PutAsync($"/orchestrations/{accepted["id"]}/cancel", null);

        // A fallback adds its attempts (the configured default, 3): 10,003.
        using var refused = await _client.PostAsJsonAsync("/orchestrations", Body(fixture.Target.UrlFor()));
        var problem = await TaskApi.AssertProblemAsync(refused, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("up to 10003 calls", (string)problem["detail"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Update_AddingACheckOverTheLimit_Returns422AndLeavesTheOrchestrationUnchanged()
    {
        var steps = Enumerable.Range(0, 100).Select(_ => new { taskURL = fixture.Target.UrlFor() }).ToArray();
        var created = await OrchestrationApi.CreateAsync(_client, new { initialDelayInMS = 600_000, tasks = steps });
        var id = (string)created["id"]!;

        // Each of the 100 steps (3 attempts) gets a check of 101 attempts of 3 calls: 100 x (3 + 303) = 30,600.
        using var response = await _client.PatchAsJsonAsync($"/orchestrations/{id}", new { conditionCheck = new { taskURL = fixture.Target.UrlFor(), retries = 100 } });

        var problem = await TaskApi.AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("up to 30600 calls", (string)problem["detail"]!, StringComparison.Ordinal);
        var after = await OrchestrationApi.GetAsync(_client, id);
        Assert.Null(OrchestrationApi.Step(after, 0)["conditionCheck"]);

        // A change within the limit still goes through.
        using var small = await _client.PatchAsJsonAsync($"/orchestrations/{id}", new { conditionCheck = new { taskURL = fixture.Target.UrlFor(), retries = 1 } });
        Assert.Equal(HttpStatusCode.OK, small.StatusCode);
        Assert.NotNull(OrchestrationApi.Step(JsonNode.Parse(await small.Content.ReadAsStringAsync())!.AsObject(), 0)["conditionCheck"]);
        using var cancel = await _client.PutAsync($"/orchestrations/{id}/cancel", null);
    }
}
