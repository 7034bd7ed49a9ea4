using System.Net;
using System.Net.Http.Json;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Server.Tests.Endpoints.Tasks;

/// <summary>Retry policies and attempt timeouts through the API: defaults, overrides, validation and what a task shows.</summary>
[Collection(MemoryServerCollection.Name)]
public sealed class TaskRetryEndpointsTests(MemoryServerFixture fixture) : IDisposable
{
    private readonly HttpClient _client = fixture.Server.CreateClient(TestTokens.Create($"user-{Guid.NewGuid():N}"));

    public void Dispose() => _client.Dispose();

    [Fact]
    public async Task Create_WithoutPolicy_ShowsTheConfiguredDefaults()
    {
        var task = await TaskApi.CreateAsync(_client, new { taskURL = fixture.Target.UrlFor(), delayInMS = 60_000 });

        var retry = task["retry"]!;
        Assert.Equal(3, (int)retry["maxAttempts"]!);
        Assert.Equal(1000, (long)retry["initialDelayInMS"]!);
        Assert.Equal(2.0, (double)retry["backoffCoefficient"]!);
        Assert.Equal(60_000, (long)retry["maxDelayInMS"]!);
        Assert.Equal(0.2, (double)retry["jitter"]!);
        Assert.Equal(["connectionError", "timeout", "408", "429", "5xx"], retry["retryOn"]!.AsArray().Select(c => (string)c!));
        Assert.Equal(30_000, (long)task["timeoutInMS"]!);
        Assert.Equal("none", (string)task["authentication"]!);
        Assert.Empty(task["attempts"]!.AsArray());
    }

    [Fact]
    public async Task Create_FailingTargetWithRetries_CompletesAndListsEveryAttempt()
    {
        var url = fixture.Target.UrlFor("fail-first/2");
        var id = (string)(await TaskApi.CreateAsync(_client, new
        {
            taskURL = url,
            delayInMS = 0,
            retry = new { maxAttempts = 4, initialDelayInMS = 100, backoffCoefficient = 1.5, retryOn = new[] { "5xx" } },
            timeoutInMS = 5000,
        }))["id"]!;

        var done = await Poll.UntilAsync(() => TaskApi.GetAsync(_client, id), t => (string)t["status"]! is "Completed" or "Failed", TimeSpan.FromSeconds(20), "the task to finish");

        Assert.Equal("Completed", (string)done["status"]!);
        var attempts = done["attempts"]!.AsArray();
        Assert.Equal([1, 2, 3], attempts.Select(a => (int)a!["attempt"]!));
        Assert.Equal([500, 500, 200], attempts.Select(a => (int)a!["statusCode"]!));
        Assert.All(attempts, a => Assert.NotNull(a!["finishedAt"]));
        Assert.Null(done["nextAttemptAt"]);
        Assert.Equal(4, (int)done["retry"]!["maxAttempts"]!);
        Assert.Equal(5000, (long)done["timeoutInMS"]!);
        Assert.Equal(3, fixture.Target.CallsTo(url).Count);
    }

    [Theory]
    [InlineData("""{"maxAttempts":0}""", "retry")]
    [InlineData("""{"maxAttempts":101}""", "retry")]
    [InlineData("""{"initialDelayInMS":-1}""", "retry")]
    [InlineData("""{"backoffCoefficient":0.5}""", "retry")]
    [InlineData("""{"jitter":1.5}""", "retry")]
    [InlineData("""{"initialDelayInMS":5000,"maxDelayInMS":1000}""", "retry")]
    [InlineData("""{"retryOn":["2xx"]}""", "retry")]
    [InlineData("""{"retryOn":["teapot"]}""", "retry")]
    public async Task Create_InvalidRetryPolicy_Returns400NamingRetry(string retry, string field)
    {
        using var response = await _client.PostAsync("/tasks", TaskApi.Json($$"""{"taskURL":"{{fixture.Target.UrlFor()}}","delayInMS":1000,"retry":{{retry}}}"""));

        var problem = await TaskApi.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem["errors"]?[field] is not null, $"Expected an error for '{field}': {TaskApi.Describe(problem)}");
    }

    [Theory]
    [InlineData(""" "timeoutInMS":50 """, "timeoutInMS")]
    [InlineData(""" "timeoutInMS":900001 """, "timeoutInMS")]
    [InlineData(""" "authentication":"basic" """, "authentication")]
    public async Task Create_InvalidTimeoutOrAuthentication_Returns400NamingTheField(string fragment, string field)
    {
        using var response = await _client.PostAsync("/tasks", TaskApi.Json($$"""{"taskURL":"{{fixture.Target.UrlFor()}}","delayInMS":1000,{{fragment}}}"""));

        var problem = await TaskApi.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem["errors"]?[field] is not null, $"Expected an error for '{field}': {TaskApi.Describe(problem)}");
    }

    [Fact]
    public async Task Create_RetryWithWrongType_Returns400()
    {
        using var response = await _client.PostAsync("/tasks", TaskApi.Json($$$"""{"taskURL":"{{{fixture.Target.UrlFor()}}}","delayInMS":1000,"retry":{"jitter":true}}"""));

        await TaskApi.AssertProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Cancel_WhileWaitingForRetry_Returns200AndNoFurtherAttempt()
    {
        var url = fixture.Target.UrlFor("status/503");
        var id = (string)(await TaskApi.CreateAsync(_client, new { taskURL = url, delayInMS = 0, retry = new { initialDelayInMS = 60_000 } }))["id"]!;
        await Poll.UntilAsync(() => TaskApi.GetAsync(_client, id), t => t["nextAttemptAt"] is not null, TimeSpan.FromSeconds(15), "the retry to be planned");

        using var cancel = await _client.PutAsync($"/tasks/{id}/cancel", null);

        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        var body = await cancel.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>();
        Assert.Equal("Cancelled", (string)body!["status"]!);
        Assert.Single(fixture.Target.CallsTo(url));
    }
}
