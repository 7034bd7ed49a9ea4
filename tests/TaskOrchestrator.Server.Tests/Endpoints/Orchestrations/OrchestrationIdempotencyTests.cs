using System.Net;
using TaskOrchestrator.Server.Tests.Endpoints.Tasks;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Server.Tests.Endpoints.Orchestrations;

[Collection(MemoryServerCollection.Name)]
public sealed class OrchestrationIdempotencyTests(MemoryServerFixture fixture)
{
    private readonly HttpClient _client = fixture.Server.CreateClient(TestTokens.Create($"user-{Guid.NewGuid():N}"));

    [Fact]
    public async Task Create_SameKeyTwice_Returns201Then200WithSameOrchestration()
    {
        var key = TaskIdempotencyTests.NewKey();
        var body = Body(fixture.Target.UrlFor());

        using var first = await TaskIdempotencyTests.PostAsync(_client, key, body, "/orchestrations");
        var id = (string)(await TaskIdempotencyTests.ReadAsync(first, HttpStatusCode.Created))["id"]!;

        using var second = await TaskIdempotencyTests.PostAsync(_client, key, body, "/orchestrations");
        var replayed = await TaskIdempotencyTests.ReadAsync(second, HttpStatusCode.OK);
        Assert.Equal("true", Assert.Single(second.Headers.GetValues("Idempotent-Replayed")));
        Assert.Equal(id, (string)replayed["id"]!);
        Assert.Equal((await OrchestrationApi.GetAsync(_client, id)).ToJsonString(), replayed.ToJsonString());
    }

    [Fact]
    public async Task Create_DifferentKeys_CreatesTwoOrchestrations()
    {
        var body = Body(fixture.Target.UrlFor());
        using var first = await TaskIdempotencyTests.PostAsync(_client, TaskIdempotencyTests.NewKey(), body, "/orchestrations");
        using var second = await TaskIdempotencyTests.PostAsync(_client, TaskIdempotencyTests.NewKey(), body, "/orchestrations");
        var a = await TaskIdempotencyTests.ReadAsync(first, HttpStatusCode.Created);
        var b = await TaskIdempotencyTests.ReadAsync(second, HttpStatusCode.Created);
        Assert.NotEqual((string)a["id"]!, (string)b["id"]!);
    }

    [Fact]
    public async Task Create_SameKeyDifferentBody_Returns422()
    {
        var key = TaskIdempotencyTests.NewKey();
        using var first = await TaskIdempotencyTests.PostAsync(_client, key, Body(fixture.Target.UrlFor()), "/orchestrations");
        await TaskIdempotencyTests.ReadAsync(first, HttpStatusCode.Created);

        using var second = await TaskIdempotencyTests.PostAsync(_client, key, Body(fixture.Target.UrlFor()), "/orchestrations");
        var problem = await TaskApi.AssertProblemAsync(second, (HttpStatusCode)422);
        Assert.Contains("Idempotency-Key", (string)problem["title"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_KeyUsedForATask_IsFreeForAnOrchestration()
    {
        var key = TaskIdempotencyTests.NewKey();
        using var task = await TaskIdempotencyTests.PostAsync(_client, key, new { taskURL = fixture.Target.UrlFor(), delayInMS = 60_000 });
        await TaskIdempotencyTests.ReadAsync(task, HttpStatusCode.Created);

        using var orchestration = await TaskIdempotencyTests.PostAsync(_client, key, Body(fixture.Target.UrlFor()), "/orchestrations");
        await TaskIdempotencyTests.ReadAsync(orchestration, HttpStatusCode.Created);
    }

    [Fact]
    public async Task Create_InvalidBodyWithKey_DoesNotUseUpTheKey()
    {
        var key = TaskIdempotencyTests.NewKey();
        using var invalid = await TaskIdempotencyTests.PostAsync(_client, key, new { initialDelayInMS = 60_000, tasks = Array.Empty<object>() }, "/orchestrations");
        await TaskApi.AssertProblemAsync(invalid, HttpStatusCode.BadRequest);

        using var valid = await TaskIdempotencyTests.PostAsync(_client, key, Body(fixture.Target.UrlFor()), "/orchestrations");
        await TaskIdempotencyTests.ReadAsync(valid, HttpStatusCode.Created);
    }

    private static object Body(string url) => new { initialDelayInMS = 60_000, tasks = new object[] { new { taskURL = url } } };
}
