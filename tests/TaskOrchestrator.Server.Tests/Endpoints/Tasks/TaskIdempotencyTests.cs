using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Server.Tests.Endpoints.Tasks;

[Collection(MemoryServerCollection.Name)]
public sealed class TaskIdempotencyTests(MemoryServerFixture fixture)
{
    private readonly HttpClient _client = fixture.Server.CreateClient(TestTokens.Create($"user-{Guid.NewGuid():N}"));

    [Fact]
    public async Task CreateTask_SameKeyTwice_Returns201Then200WithSameTaskAndCallsOnce()
    {
        var url = fixture.Target.UrlFor();
        var key = NewKey();
        var body = new { taskURL = url, delayInMS = 0 };

        using var first = await PostAsync(_client, key, body);
        var created = await ReadAsync(first, HttpStatusCode.Created);
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        var id = (string)created["id"]!;

        using var second = await PostAsync(_client, key, body);
        var replayed = await ReadAsync(second, HttpStatusCode.OK);
        Assert.Equal(id, (string)replayed["id"]!);
        Assert.Equal("true", Assert.Single(second.Headers.GetValues("Idempotent-Replayed")));
        Assert.Null(second.Headers.Location);

        await Poll.UntilAsync(async () => await TaskApi.StatusAsync(_client, id) == "Completed", TimeSpan.FromSeconds(10), "the task to complete");

        // A repeat after the call shows the task as it is now, the same as GET does, and calls nothing.
        using var third = await PostAsync(_client, key, body);
        var now = await ReadAsync(third, HttpStatusCode.OK);
        Assert.Equal((await TaskApi.GetAsync(_client, id)).ToJsonString(), now.ToJsonString());
        Assert.Equal("Completed", (string)now["status"]!);
        Assert.Single(fixture.Target.CallsTo(url));
    }

    [Fact]
    public async Task CreateTask_DifferentKeys_CreatesTwoTasks()
    {
        var body = new { taskURL = fixture.Target.UrlFor(), delayInMS = 60_000 };
        using var first = await PostAsync(_client, NewKey(), body);
        using var second = await PostAsync(_client, NewKey(), body);
        var a = await ReadAsync(first, HttpStatusCode.Created);
        var b = await ReadAsync(second, HttpStatusCode.Created);
        Assert.NotEqual((string)a["id"]!, (string)b["id"]!);
    }

    [Fact]
    public async Task CreateTask_SameKeyDifferentBody_Returns422()
    {
        var key = NewKey();
        using var first = await PostAsync(_client, key, new { taskURL = fixture.Target.UrlFor(), delayInMS = 60_000 });
        await ReadAsync(first, HttpStatusCode.Created);

        using var second = await PostAsync(_client, key, new { taskURL = fixture.Target.UrlFor(), delayInMS = 60_000 });
        var problem = await TaskApi.AssertProblemAsync(second, (HttpStatusCode)422);
        Assert.Contains("Idempotency-Key", (string)problem["title"]!, StringComparison.Ordinal);
        Assert.Contains("different request", (string)problem["detail"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateTask_SameKeyOtherSubject_CreatesIndependentTask()
    {
        var key = NewKey();
        var body = new { taskURL = fixture.Target.UrlFor(), delayInMS = 60_000 };
        using var other = fixture.Server.CreateClient(TestTokens.Create($"user-{Guid.NewGuid():N}"));

        using var mine = await PostAsync(_client, key, body);
        using var theirs = await PostAsync(other, key, body);
        var a = await ReadAsync(mine, HttpStatusCode.Created);
        var b = await ReadAsync(theirs, HttpStatusCode.Created);
        Assert.NotEqual((string)a["id"]!, (string)b["id"]!);

        // And a different body from the other subject is not a reuse of my key either.
        using var theirsAgain = await PostAsync(other, key, body);
        Assert.Equal((string)b["id"]!, (string)(await ReadAsync(theirsAgain, HttpStatusCode.OK))["id"]!);
    }

    [Theory]
    [InlineData("")]
    [InlineData("tab\there")]
    public async Task CreateTask_InvalidKey_Returns400NamingTheHeader(string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/tasks") { Content = JsonContent.Create(new { taskURL = fixture.Target.UrlFor(), delayInMS = 60_000 }) };
        Assert.True(request.Headers.TryAddWithoutValidation("Idempotency-Key", key));
        using var response = await _client.SendAsync(request);
        var problem = await TaskApi.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("Idempotency-Key", (string)problem["detail"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateTask_KeyLongerThan255_Returns400()
    {
        using var response = await PostAsync(_client, new string('k', 256), new { taskURL = fixture.Target.UrlFor(), delayInMS = 60_000 });
        await TaskApi.AssertProblemAsync(response, HttpStatusCode.BadRequest);

        using var longest = await PostAsync(_client, $"{Guid.NewGuid():N}{new string('k', 223)}", new { taskURL = fixture.Target.UrlFor(), delayInMS = 60_000 });
        await ReadAsync(longest, HttpStatusCode.Created);
    }

    [Fact]
    public async Task CreateTask_InvalidBodyWithKey_DoesNotUseUpTheKey()
    {
        var key = NewKey();
        using var invalid = await PostAsync(_client, key, new { taskURL = "not a url", delayInMS = 60_000 });
        await TaskApi.AssertProblemAsync(invalid, HttpStatusCode.BadRequest);

        using var valid = await PostAsync(_client, key, new { taskURL = fixture.Target.UrlFor(), delayInMS = 60_000 });
        await ReadAsync(valid, HttpStatusCode.Created);
    }

    [Fact]
    public async Task CreateTask_SameKeyConcurrently_AllAnswerWithOneTask()
    {
        var url = fixture.Target.UrlFor();
        var key = NewKey();
        var body = new { taskURL = url, delayInMS = 0 };

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => PostAsync(_client, key, body)));
        var statuses = responses.Select(r => r.StatusCode).ToList();
        var ids = new List<string>();
        foreach (var response in responses)
        {
            using (response)
            {
                ids.Add((string)(await ReadAsync(response, response.StatusCode == HttpStatusCode.Created ? HttpStatusCode.Created : HttpStatusCode.OK))["id"]!);
            }
        }

        Assert.Single(ids.Distinct());
        Assert.True(statuses.Count(s => s == HttpStatusCode.Created) <= 1, $"More than one 201: {string.Join(", ", statuses)}");
        await Poll.UntilAsync(async () => await TaskApi.StatusAsync(_client, ids[0]) == "Completed", TimeSpan.FromSeconds(10), "the task to complete");
        Assert.Single(fixture.Target.CallsTo(url));
    }

    internal static string NewKey() => $"order-{Guid.NewGuid():N}";

    internal static async Task<HttpResponseMessage> PostAsync(HttpClient client, string key, object body, string path = "/tasks")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return await client.SendAsync(request);
    }

    internal static async Task<JsonObject> ReadAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }
}
