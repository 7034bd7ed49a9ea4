using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using TaskOrchestrator.Callbacks;
using TaskOrchestrator.Delivery;
using TaskOrchestrator.Delivery.Signing;
using TaskOrchestrator.Server.Tests.Endpoints.Tasks;
using TaskOrchestrator.Server.Tests.Telemetry;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Server.Tests.Integration;

/// <summary>Completion callbacks through the API, against the real server process on Azurite and real targets on 127.0.0.1.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class CallbackTests(AzuriteFixture fixture) : IAsyncLifetime
{
    private const string SigningKey = "callback-tests-signing-key-0123456789abcdef";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private Dictionary<string, string> _settings = null!;
    private ServerProcess _server = null!;
    private HttpClient _client = null!;
    private string _owner = null!;

    public async Task InitializeAsync()
    {
        _settings = fixture.SettingsFor($"callbacks-{Guid.NewGuid():N}");
        _settings["TaskOrchestrator:Delivery:Signing:Keys:0"] = SigningKey;

        // Quick, predictable retries: callbacks are retried with the default retry policy.
        _settings["TaskOrchestrator:Delivery:Retry:InitialDelay"] = "00:00:00.300";
        _settings["TaskOrchestrator:Delivery:Retry:Jitter"] = "0";
        _server = await fixture.StartServerAsync(_settings);
        _owner = $"user-{Guid.NewGuid():N}";
        _client = _server.CreateClient(TestTokens.Create(_owner));
    }

    public Task DisposeAsync()
    {
        _client.Dispose();
        return _server.StopAsync();
    }

    [Fact]
    public async Task Callback_TargetFailsThenSucceeds_DeliveredOnTheSecondAttemptWithTheResourceAsGetShowsIt()
    {
        var callbackUrl = fixture.Target.UrlFor("fail-first/1");
        var id = (string)(await TaskApi.CreateAsync(_client, new { taskURL = fixture.Target.UrlFor(), delayInMS = 100, callback = new { url = callbackUrl } }))["id"]!;

        var calls = await fixture.Target.WaitForCallsAsync(callbackUrl, count: 2, timeout: Deadline);
        var task = await Poll.UntilAsync(
            () => TaskApi.GetAsync(_client, id), t => (string?)t["callbackDelivery"]?["status"] == "Delivered", Deadline, "the callback to be recorded as delivered");

        Assert.Equal("Completed", (string)task["status"]!);
        var delivery = task["callbackDelivery"]!;
        Assert.Equal(2, (int)delivery["attempts"]!);
        Assert.Equal(200, (int)delivery["lastStatusCode"]!);
        Assert.Equal("completed", (string)delivery["outcome"]!);
        Assert.Equal(["completed", "failed", "cancelled"], task["callback"]!["on"]!.AsArray().Select(o => (string)o!));

        // The body is the resource as GET shows it; only its callbackDelivery is as it stood when the attempt was made.
        var delivered = calls[1];
        Assert.Equal("POST", delivered.Method);
        var body = JsonNode.Parse(delivered.Body)!.AsObject();
        Assert.Equal("Pending", (string)body["callbackDelivery"]!["status"]!);
        Assert.Equal(1, (int)body["callbackDelivery"]!["attempts"]!);
        body.Remove("callbackDelivery");
        task.Remove("callbackDelivery");
        Assert.True(JsonNode.DeepEquals(task, body), $"The callback's body {body.ToJsonString()} differs from GET's {task.ToJsonString()}");

        // Headers and signature of a task call, with one idempotency key for every attempt and the owner's key.
        Assert.All(calls, call => Assert.Equal($"{id}:callback", call.Headers[DeliveryHeaders.IdempotencyKey]));
        Assert.Equal("completed", delivered.Headers[CallbackSender.OutcomeHeader]);
        Assert.Equal(id, delivered.Headers[DeliveryHeaders.TaskId]);
        Assert.Equal("2", delivered.Headers[DeliveryHeaders.Attempt]);
        Assert.Equal(_owner, delivered.Headers[DeliverySignature.OwnerHeader]);
        var ownerKey = (string)(await _client.GetFromJsonAsync<JsonNode>(new Uri("/signing-keys", UriKind.Relative)))!["keys"]![0]!["key"]!;
        using var other = _server.CreateClient(TestTokens.Create($"user-{Guid.NewGuid():N}"));
        var otherKey = (string)(await other.GetFromJsonAsync<JsonNode>(new Uri("/signing-keys", UriKind.Relative)))!["keys"]![0]!["key"]!;
        var received = fixture.Target.BaseAddress.GetLeftPart(UriPartial.Authority) + delivered.RawTarget;
        Assert.True(Verify(ownerKey, delivered, received), "The callback's signature did not verify with its owner's key.");
        Assert.False(Verify(otherKey, delivered, received), "Another tenant's key verified the callback.");
        await Poll.UntilAsync(
            () => PrometheusScrape.ScrapeAsync(_server.BaseAddress), m => m.Value("taskorchestrator_callbacks_delivered_total", "kind=\"task\"") >= 1, Deadline,
            "the delivered callback to be counted in /metrics");
    }

    [Fact]
    public async Task Callback_FailsForGood_TaskStaysCompletedAndDeliveryFailed()
    {
        var callbackUrl = fixture.Target.UrlFor("status/503");
        var id = (string)(await TaskApi.CreateAsync(_client, new { taskURL = fixture.Target.UrlFor(), delayInMS = 100, callback = new { url = callbackUrl } }))["id"]!;

        var task = await Poll.UntilAsync(
            () => TaskApi.GetAsync(_client, id), t => (string?)t["callbackDelivery"]?["status"] == "Failed", Deadline, "the callback to fail for good");

        Assert.Equal("Completed", (string)task["status"]!);
        Assert.Equal(3, (int)task["callbackDelivery"]!["attempts"]!);
        Assert.Equal(503, (int)task["callbackDelivery"]!["lastStatusCode"]!);
        Assert.Equal(3, fixture.Target.CallsTo(callbackUrl).Count);
        Assert.Equal(1, TaskApi.AttemptCount(task));
        await Poll.UntilAsync(
            () => PrometheusScrape.ScrapeAsync(_server.BaseAddress), m => m.Value("taskorchestrator_callbacks_failed_total", "kind=\"task\"") >= 1, Deadline,
            "the failed callback to be counted in /metrics");
    }

    [Fact]
    public async Task Callback_OnlyForTheEndingsAsked_CancelledAndFailedReportedCompletedNot()
    {
        var (failedUrl, cancelledUrl, completedUrl) = (fixture.Target.UrlFor(), fixture.Target.UrlFor(), fixture.Target.UrlFor());
        var failed = (string)(await TaskApi.CreateAsync(_client, new
        {
            taskURL = fixture.Target.UrlFor("status/404"), delayInMS = 100, callback = new { url = failedUrl, on = new[] { "failed", "cancelled" } },
        }))["id"]!;
        var cancelled = (string)(await TaskApi.CreateAsync(_client, new { taskURL = fixture.Target.UrlFor(), delayInMS = 60_000, callback = new { url = cancelledUrl } }))["id"]!;
        var completed = (string)(await TaskApi.CreateAsync(_client, new
        {
            taskURL = fixture.Target.UrlFor(), delayInMS = 100, callback = new { url = completedUrl, on = new[] { "failed" } },
        }))["id"]!;
        using (var cancel = await _client.PutAsync(new Uri($"/tasks/{cancelled}/cancel", UriKind.Relative), null))
        {
            Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        }

        var failedCall = Assert.Single(await fixture.Target.WaitForCallsAsync(failedUrl, timeout: Deadline));
        Assert.Equal("failed", failedCall.Headers[CallbackSender.OutcomeHeader]);
        Assert.Equal("Failed", (string)JsonNode.Parse(failedCall.Body)!["status"]!);
        var cancelledCall = Assert.Single(await fixture.Target.WaitForCallsAsync(cancelledUrl, timeout: Deadline));
        Assert.Equal("Cancelled", (string)JsonNode.Parse(cancelledCall.Body)!["status"]!);

        var done = await Poll.UntilAsync(() => TaskApi.GetAsync(_client, completed), t => (string)t["status"]! == "Completed", Deadline, "the third task to complete");
        Assert.Null(done["callbackDelivery"]);
        await Poll.UntilAsync(
            () => TaskApi.GetAsync(_client, failed), t => (string?)t["callbackDelivery"]?["status"] == "Delivered", Deadline, "the failed task's callback to be recorded");
        Assert.Empty(fixture.Target.CallsTo(completedUrl));
    }

    [Theory]
    [InlineData("""{"taskURL":"http://127.0.0.1:1/x","delayInMS":1,"callback":{"url":"/relative"}}""", "callback.url")]
    [InlineData("""{"taskURL":"http://127.0.0.1:1/x","delayInMS":1,"callback":{"url":"ftp://127.0.0.1/x"}}""", "callback.url")]
    [InlineData("""{"taskURL":"http://127.0.0.1:1/x","delayInMS":1,"callback":{}}""", "callback.url")]
    [InlineData("""{"taskURL":"http://127.0.0.1:1/x","delayInMS":1,"callback":{"url":"http://127.0.0.1:1/cb","on":[]}}""", "callback.on")]
    [InlineData("""{"taskURL":"http://127.0.0.1:1/x","delayInMS":1,"callback":{"url":"http://127.0.0.1:1/cb","on":["done"]}}""", "callback.on")]
    [InlineData("""{"taskURL":"http://127.0.0.1:1/x","delayInMS":1,"callback":{"url":"http://127.0.0.1:1/cb","on":["failed","failed"]}}""", "callback.on")]
    [InlineData("""{"taskURL":"http://127.0.0.1:1/x","delayInMS":1,"retentionInMS":999}""", "retentionInMS")]
    [InlineData("""{"taskURL":"http://127.0.0.1:1/x","delayInMS":1,"retentionInMS":31622400001}""", "retentionInMS")]
    public async Task PostTask_InvalidCallbackOrRetention_400NamingTheField(string body, string field)
    {
        using var response = await _client.PostAsync(new Uri("/tasks", UriKind.Relative), TaskApi.Json(body));
        var problem = await TaskApi.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem["errors"]?[field] is not null, $"The problem does not name {field}: {TaskApi.Describe(problem)}");
    }

    [Fact]
    public async Task PostTask_CallbackToABlockedAddress_422NamingCallbackUrl()
    {
        using var response = await _client.PostAsJsonAsync(
            new Uri("/tasks", UriKind.Relative), new { taskURL = fixture.Target.UrlFor(), delayInMS = 1, callback = new { url = "http://169.254.169.254/latest/meta-data" } });
        var problem = await TaskApi.AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.True(problem["errors"]?["callback.url"] is not null, $"The problem does not name callback.url: {TaskApi.Describe(problem)}");
    }

    [Fact]
    public async Task Callback_OwedWhenTheServerIsKilled_DeliveredAfterRestart()
    {
        // The first attempt is answered 429 with Retry-After: 4 s; the server dies before the second.
        var callbackUrl = fixture.Target.UrlFor("retry-after/4/1");
        var id = (string)(await TaskApi.CreateAsync(_client, new { taskURL = fixture.Target.UrlFor(), delayInMS = 100, callback = new { url = callbackUrl } }))["id"]!;
        await fixture.Target.WaitForCallsAsync(callbackUrl, timeout: Deadline);
        await Poll.UntilAsync(
            () => TaskApi.GetAsync(_client, id), t => (int?)t["callbackDelivery"]?["attempts"] == 1, Deadline, "the first callback attempt to be recorded");
        await _server.KillAsync();
        Assert.Single(fixture.Target.CallsTo(callbackUrl));

        _server = await fixture.StartServerAsync(_settings);
        using var after = _server.CreateClient(TestTokens.Create(_owner));
        await fixture.Target.WaitForCallsAsync(callbackUrl, count: 2, timeout: TimeSpan.FromSeconds(90));
        var task = await Poll.UntilAsync(
            () => TaskApi.GetAsync(after, id), t => (string?)t["callbackDelivery"]?["status"] == "Delivered", Deadline, "the callback to be delivered after the restart");
        Assert.Equal(2, (int)task["callbackDelivery"]!["attempts"]!);
        Assert.Equal("Completed", (string)task["status"]!);
    }

    private static bool Verify(string key, RecordedCall call, string url) => DeliverySignature.Verify(
        key, call.Method, url, name => call.Headers.GetValueOrDefault(name), Encoding.UTF8.GetBytes(call.Body), DateTimeOffset.UtcNow, DeliverySignature.DefaultTolerance);
}
