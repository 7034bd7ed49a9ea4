using System.Net;
using System.Text.Json.Nodes;
using TaskOrchestrator.Server.Tests.Endpoints.Tasks;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Server.Tests.Endpoints.Orchestrations;

/// <summary>Bad orchestration input is a 400 ProblemDetails naming the field; never a 500.</summary>
[Collection(MemoryServerCollection.Name)]
public sealed class OrchestrationValidationTests(MemoryServerFixture fixture)
{
    private const string Url = "http://127.0.0.1:9/x";
    private readonly HttpClient _client = fixture.Server.CreateClient(TestTokens.Create($"user-{Guid.NewGuid():N}"));

    public static TheoryData<string, string> InvalidBodies => new()
    {
        { """{"initialDelayInMS":0}""", "tasks" },
        { """{"tasks":[]}""", "tasks" },
        { """{"tasks":[null]}""", "tasks[0]" },
        { """{"tasks":[{"method":"GET"}]}""", "tasks[0].taskURL" },
        { """{"tasks":[{"taskURL":"ftp://example.com/x"}]}""", "tasks[0].taskURL" },
        { """{"tasks":[{"taskURL":"/relative"}]}""", "tasks[0].taskURL" },
        { $$$"""{"tasks":[{"taskURL":"{{{Url}}}","method":"BREW"}]}""", "tasks[0].method" },
        { $$$"""{"tasks":[{"taskURL":"{{{Url}}}","headers":{"Host":"x"}}]}""", "tasks[0].headers" },
        { $$$"""{"initialDelayInMS":-1,"tasks":[{"taskURL":"{{{Url}}}"}]}""", "initialDelayInMS" },
        { $$$"""{"initialDelayInMS":31622400001,"tasks":[{"taskURL":"{{{Url}}}"}]}""", "initialDelayInMS" },
        { $$$"""{"tasks":[{"taskURL":"{{{Url}}}"}],"fallbackTaskURL":"nope"}""", "fallbackTaskURL" },
        { $$$"""{"tasks":[{"taskURL":"{{{Url}}}"}],"conditionCheck":{"retries":1}}""", "conditionCheck.taskURL" },
        { $$$"""{"tasks":[{"taskURL":"{{{Url}}}"}],"conditionCheck":{"taskURL":"{{{Url}}}","retries":-1}}""", "conditionCheck.retries" },
        { $$$"""{"tasks":[{"taskURL":"{{{Url}}}"}],"conditionCheck":{"taskURL":"{{{Url}}}","retries":101}}""", "conditionCheck.retries" },
        { $$$"""{"tasks":[{"taskURL":"{{{Url}}}"}],"conditionCheck":{"taskURL":"{{{Url}}}","delayInMS":-5}}""", "conditionCheck.delayInMS" },
        { $$$"""{"tasks":[{"taskURL":"{{{Url}}}"}],"conditionCheck":{"taskURL":"{{{Url}}}","retryDelayInMS":-5}}""", "conditionCheck.retryDelayInMS" },
        { $$$"""{"tasks":[{"taskURL":"{{{Url}}}","conditionCheck":{"taskURL":"{{{Url}}}","retries":500}}]}""", "tasks[0].conditionCheck.retries" },
        { $$$"""{"tasks":[{"taskURL":"{{{Url}}}"}],"conditionCheckRetries":-2,"conditionCheckTaskURL":"{{{Url}}}"}""", "conditionCheckRetries" },
        { $$$"""{"tasks":[{"taskURL":"{{{Url}}}"}],"conditionCheckRetries":2}""", "conditionCheckTaskURL" },
        { $$$"""{"tasks":[{"taskURL":"{{{Url}}}"}],"conditionCheck":{"taskURL":"{{{Url}}}"},"conditionCheckTaskURL":"{{{Url}}}"}""", "conditionCheckTaskURL" },
        { $$$"""{"tasks":[{"taskURL":"{{{Url}}}"}],"conditionCheck":{"taskURL":"{{{Url}}}","retries":1},"conditionCheckRetries":1}""", "conditionCheckRetries" },
        { $$$"""{"tasks":[{"taskURL":"{{{Url}}}"}],"conditionCheck":{"taskURL":"{{{Url}}}","delayInMS":1},"timeDelayForConditionCheck":1}""", "timeDelayForConditionCheck" },
        { $$$"""{"tasks":[{"taskURL":"{{{Url}}}"}],"conditionCheck":{"taskURL":"{{{Url}}}","retryDelayInMS":1},"timeDelayBetweenRetries":1}""", "timeDelayBetweenRetries" },
    };

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public async Task Create_InvalidBody_Returns400NamingTheField(string body, string field)
    {
        using var response = await _client.PostAsync("/orchestrations", TaskApi.Json(body));
        var problem = await TaskApi.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem["errors"]?[field] is not null, $"Expected an error for '{field}': {TaskApi.Describe(problem)}");
    }

    [Theory]
    [InlineData("""{"tasks":[{"taskURL":"http://127.0.0.1:9/x"}],"retry":{"initialDelayInMS":9000000000000000000}}""", "retry")]
    [InlineData("""{"tasks":[{"taskURL":"http://127.0.0.1:9/x","retry":{"maxDelayInMS":9000000000000000000}}]}""", "tasks[0].retry")]
    [InlineData("""{"tasks":[{"taskURL":"http://127.0.0.1:9/x"}],"conditionCheck":{"taskURL":"http://127.0.0.1:9/x","retry":{"initialDelayInMS":-9000000000000000000}}}""", "conditionCheck.retry")]
    public async Task Create_RetryDelayBeyondWhatATimeSpanHolds_Returns400NamingTheField(string body, string field)
    {
        using var response = await _client.PostAsync("/orchestrations", TaskApi.Json(body));

        var problem = await TaskApi.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem["errors"]?[field] is not null, $"Expected an error for '{field}': {TaskApi.Describe(problem)}");
    }

    [Theory]
    [InlineData("""{"tasks":[{"taskURL":"http://127.0.0.1:9/x"}],"extra":1}""")]
    [InlineData("""{"tasks":[{"taskURL":"http://127.0.0.1:9/x"}],"conditionCheck":{"taskURL":"http://127.0.0.1:9/x","retries":"3"}}""")]
    [InlineData("""{"tasks":[{"taskURL":"http://127.0.0.1:9/x"}],"conditionCheckRetries":99999999999}""")]
    [InlineData("""{"tasks":{"taskURL":"http://127.0.0.1:9/x"}}""")]
    [InlineData("""{"tasks":[{"taskURL":"http://127.0.0.1:9/x"}""")]
    [InlineData("""not json""")]
    public async Task Create_MalformedJson_Returns400(string body)
    {
        using var response = await _client.PostAsync("/orchestrations", TaskApi.Json(body));
        await TaskApi.AssertProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Create_TooManyTasks_Returns400()
    {
        var tasks = new JsonArray([.. Enumerable.Range(0, 1001).Select(_ => (JsonNode)new JsonObject { ["taskURL"] = Url })]);
        using var response = await _client.PostAsync("/orchestrations", TaskApi.Json(new JsonObject { ["tasks"] = tasks }.ToJsonString()));
        var problem = await TaskApi.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]?["tasks"]);
    }

    [Fact]
    public async Task Create_ThousandTasks_IsAccepted()
    {
        var tasks = new JsonArray([.. Enumerable.Range(0, 1000).Select(i => (JsonNode)new JsonObject { ["taskURL"] = $"{Url}/{i}" })]);
        using var response = await _client.PostAsync("/orchestrations", TaskApi.Json(new JsonObject { ["initialDelayInMS"] = 600_000, ["tasks"] = tasks }.ToJsonString()));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = (string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["id"]!;
        using var cancel = await _client.PutAsync($"/orchestrations/{id}/cancel", null);
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
    }

    [Theory]
    [InlineData("{}", "body")]
    [InlineData("""{"initialDelayInMS":-1}""", "initialDelayInMS")]
    [InlineData("""{"tasks":[]}""", "tasks")]
    [InlineData("""{"conditionCheck":{"taskURL":"http://127.0.0.1:9/x","retries":1},"conditionCheckRetries":2}""", "conditionCheckRetries")]
    public async Task Update_InvalidBody_Returns400NamingTheField(string body, string field)
    {
        var id = (string)(await OrchestrationApi.CreateAsync(_client, new { initialDelayInMS = 60_000, tasks = new[] { new { taskURL = Url } } }))["id"]!;
        using var response = await _client.PatchAsync($"/orchestrations/{id}", TaskApi.Json(body));
        var problem = await TaskApi.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem["errors"]?[field] is not null, $"Expected an error for '{field}': {TaskApi.Describe(problem)}");
        using var cancel = await _client.PutAsync($"/orchestrations/{id}/cancel", null);
    }

    [Theory]
    [InlineData("/orchestrations/not-a-guid", HttpStatusCode.BadRequest)]
    [InlineData("/orchestrations/0190f5a0-0000-7000-8000-000000000000", HttpStatusCode.NotFound)]
    [InlineData("/orchestrations?status=bogus", HttpStatusCode.BadRequest)]
    [InlineData("/orchestrations?limit=0", HttpStatusCode.BadRequest)]
    [InlineData("/orchestrations?after=xyz", HttpStatusCode.BadRequest)]
    public async Task Get_BadIdOrQuery_ReturnsProblem(string path, HttpStatusCode status)
    {
        using var response = await _client.GetAsync(path);
        await TaskApi.AssertProblemAsync(response, status);
    }
}
