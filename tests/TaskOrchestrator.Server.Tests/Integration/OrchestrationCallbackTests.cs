using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using TaskOrchestrator.Callbacks;
using TaskOrchestrator.Delivery;
using TaskOrchestrator.Delivery.Signing;
using TaskOrchestrator.Server.Tests.Endpoints.Orchestrations;
using TaskOrchestrator.Server.Tests.Endpoints.Tasks;
using TaskOrchestrator.Server.Tests.Telemetry;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Server.Tests.Integration;

/// <summary>
/// Completion callbacks of orchestrations, and a schedule's callback on its runs, through the API against the real server
/// process on Azurite and real targets on 127.0.0.1.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class OrchestrationCallbackTests(AzuriteFixture fixture) : IAsyncLifetime
{
    private const string SigningKey = "orchestration-callback-tests-signing-key-0123456789";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private Dictionary<string, string> _settings = null!;
    private ServerProcess _server = null!;
    private HttpClient _client = null!;
    private string _owner = null!;

    public async Task InitializeAsync()
    {
        _settings = fixture.SettingsFor($"orchestration-callbacks-{Guid.NewGuid():N}");
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
    public async Task Callback_OrchestrationCompletesAndTargetFailsFirst_DeliveredOnTheSecondAttemptWithTheResourceAsGetShowsIt()
    {
        var callbackUrl = fixture.Target.UrlFor("fail-first/1");
        var created = await OrchestrationApi.CreateAsync(_client, new
        {
            initialDelayInMS = 100,
            tasks = new[] { new { taskURL = fixture.Target.UrlFor() }, new { taskURL = fixture.Target.UrlFor() } },
            callback = new { url = callbackUrl },
        });
        var id = (string)created["id"]!;
        Assert.Equal(["completed", "failed", "cancelled"], created["callback"]!["on"]!.AsArray().Select(o => (string)o!));
        Assert.Equal(callbackUrl, (string)created["callback"]!["url"]!);
        Assert.Null(created["callbackDelivery"]);

        var calls = await fixture.Target.WaitForCallsAsync(callbackUrl, count: 2, timeout: Deadline);
        var orchestration = await Poll.UntilAsync(
            () => OrchestrationApi.GetAsync(_client, id), o => (string?)o["callbackDelivery"]?["status"] == "Delivered", Deadline,
            "the orchestration's callback to be recorded as delivered");

        Assert.Equal("Completed", (string)orchestration["status"]!);
        var delivery = orchestration["callbackDelivery"]!;
        Assert.Equal((2, 200, "completed"), ((int)delivery["attempts"]!, (int)delivery["lastStatusCode"]!, (string)delivery["outcome"]!));

        // The body is the orchestration as GET shows it; only its callbackDelivery is as it stood when the attempt was made.
        var delivered = calls[1];
        Assert.Equal("POST", delivered.Method);
        var body = JsonNode.Parse(delivered.Body)!.AsObject();
        Assert.Equal(("Pending", 1), ((string)body["callbackDelivery"]!["status"]!, (int)body["callbackDelivery"]!["attempts"]!));
        body.Remove("callbackDelivery");
        orchestration.Remove("callbackDelivery");
        Assert.True(JsonNode.DeepEquals(orchestration, body), $"The callback's body {body.ToJsonString()} differs from GET's {orchestration.ToJsonString()}");

        // Headers and signature of a task call, the orchestration's id standing for the task's, one key for every attempt.
        Assert.All(calls, call => Assert.Equal($"{id}:callback", call.Headers[DeliveryHeaders.IdempotencyKey]));
        Assert.Equal(("completed", id, id, "2"), (
            delivered.Headers[CallbackSender.OutcomeHeader], delivered.Headers[DeliveryHeaders.TaskId], delivered.Headers[DeliveryHeaders.OrchestrationId],
            delivered.Headers[DeliveryHeaders.Attempt]));
        Assert.Equal(_owner, delivered.Headers[DeliverySignature.OwnerHeader]);
        var ownerKey = (string)(await _client.GetFromJsonAsync<JsonNode>(new Uri("/signing-keys", UriKind.Relative)))!["keys"]![0]!["key"]!;
        using var other = _server.CreateClient(TestTokens.Create($"user-{Guid.NewGuid():N}"));
        var otherKey = (string)(await other.GetFromJsonAsync<JsonNode>(new Uri("/signing-keys", UriKind.Relative)))!["keys"]![0]!["key"]!;
        var received = fixture.Target.BaseAddress.GetLeftPart(UriPartial.Authority) + delivered.RawTarget;
        Assert.True(Verify(ownerKey, delivered, received), "The callback's signature did not verify with its owner's key.");
        Assert.False(Verify(otherKey, delivered, received), "Another tenant's key verified the callback.");

        // Owner isolation is unchanged: another tenant neither sees it nor its callback.
        using (var stranger = await other.GetAsync(new Uri($"/orchestrations/{id}", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NotFound, stranger.StatusCode);
        }

        await Poll.UntilAsync(
            () => PrometheusScrape.ScrapeAsync(_server.BaseAddress), m => m.Value("taskorchestrator_callbacks_delivered_total", "kind=\"orchestration\"") >= 1,
            Deadline, "the delivered orchestration callback to be counted in /metrics");
    }

    [Fact]
    public async Task Callback_OnlyForTheEndingsAsked_FailedAndCancelledReportedCompletedNot()
    {
        var (failedUrl, cancelledUrl, completedUrl) = (fixture.Target.UrlFor(), fixture.Target.UrlFor(), fixture.Target.UrlFor());
        var failed = (string)(await OrchestrationApi.CreateAsync(_client, new
        {
            initialDelayInMS = 100,
            tasks = new[] { new { taskURL = fixture.Target.UrlFor("status/404") } },
            callback = new { url = failedUrl, on = new[] { "failed" } },
        }))["id"]!;
        var cancelled = (string)(await OrchestrationApi.CreateAsync(_client, new
        {
            initialDelayInMS = 60_000, tasks = new[] { new { taskURL = fixture.Target.UrlFor() } }, callback = new { url = cancelledUrl },
        }))["id"]!;
        var completed = (string)(await OrchestrationApi.CreateAsync(_client, new
        {
            initialDelayInMS = 100,
            tasks = new[] { new { taskURL = fixture.Target.UrlFor() } },
            callback = new { url = completedUrl, on = new[] { "failed", "cancelled" } },
        }))["id"]!;
        using (var cancel = await _client.PutAsync(new Uri($"/orchestrations/{cancelled}/cancel", UriKind.Relative), null))
        {
            Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        }

        var failedCall = Assert.Single(await fixture.Target.WaitForCallsAsync(failedUrl, timeout: Deadline));
        Assert.Equal("failed", failedCall.Headers[CallbackSender.OutcomeHeader]);
        var failedBody = JsonNode.Parse(failedCall.Body)!;
        Assert.Equal(("Failed", "TaskFailed", failed), ((string)failedBody["status"]!, (string)failedBody["failureReason"]!, (string)failedBody["id"]!));
        var cancelledCall = Assert.Single(await fixture.Target.WaitForCallsAsync(cancelledUrl, timeout: Deadline));
        Assert.Equal("cancelled", cancelledCall.Headers[CallbackSender.OutcomeHeader]);
        Assert.Equal("Cancelled", (string)JsonNode.Parse(cancelledCall.Body)!["status"]!);

        var done = await OrchestrationApi.WaitForStatusAsync(_client, completed, "Completed", Deadline);
        Assert.Null(done["callbackDelivery"]);
        await Poll.UntilAsync(
            () => OrchestrationApi.GetAsync(_client, failed), o => (string?)o["callbackDelivery"]?["status"] == "Delivered", Deadline,
            "the failed orchestration's callback to be recorded");
        Assert.Empty(fixture.Target.CallsTo(completedUrl));
    }

    [Fact]
    public async Task Callback_FailsForGood_OrchestrationStaysCompletedAndDeliveryFailed()
    {
        var callbackUrl = fixture.Target.UrlFor("status/503");
        var id = (string)(await OrchestrationApi.CreateAsync(_client, new
        {
            initialDelayInMS = 100, tasks = new[] { new { taskURL = fixture.Target.UrlFor() } }, callback = new { url = callbackUrl },
        }))["id"]!;

        var orchestration = await Poll.UntilAsync(
            () => OrchestrationApi.GetAsync(_client, id), o => (string?)o["callbackDelivery"]?["status"] == "Failed", Deadline, "the callback to fail for good");

        Assert.Equal("Completed", (string)orchestration["status"]!);
        Assert.Equal((3, 503), ((int)orchestration["callbackDelivery"]!["attempts"]!, (int)orchestration["callbackDelivery"]!["lastStatusCode"]!));
        Assert.Equal(3, fixture.Target.CallsTo(callbackUrl).Count);
        await Poll.UntilAsync(
            () => PrometheusScrape.ScrapeAsync(_server.BaseAddress), m => m.Value("taskorchestrator_callbacks_failed_total", "kind=\"orchestration\"") >= 1,
            Deadline, "the failed orchestration callback to be counted in /metrics");
    }

    [Fact]
    public async Task Retry_FailedOrchestrationWithACallback_EachEndingReportedUnderItsOwnKey()
    {
        var (step, callbackUrl) = (fixture.Target.UrlFor("fail-first/1"), fixture.Target.UrlFor());
        var id = (string)(await OrchestrationApi.CreateAsync(_client, new
        {
            initialDelayInMS = 100, tasks = new[] { new { taskURL = step, retry = new { maxAttempts = 1 } } }, callback = new { url = callbackUrl },
        }))["id"]!;
        var failedCall = Assert.Single(await fixture.Target.WaitForCallsAsync(callbackUrl, timeout: Deadline));
        await Poll.UntilAsync(
            () => OrchestrationApi.GetAsync(_client, id), o => (string?)o["callbackDelivery"]?["status"] == "Delivered", Deadline,
            "the failed ending's callback to be recorded");

        using (var retry = await _client.PostAsync(new Uri($"/orchestrations/{id}/retry", UriKind.Relative), null))
        {
            Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
            var resumed = JsonNode.Parse(await retry.Content.ReadAsStringAsync())!;
            Assert.Null(resumed["callbackDelivery"]);
        }

        var calls = await fixture.Target.WaitForCallsAsync(callbackUrl, count: 2, timeout: Deadline);
        var done = await Poll.UntilAsync(
            () => OrchestrationApi.GetAsync(_client, id), o => (string)o["status"]! == "Completed" && (string?)o["callbackDelivery"]?["status"] == "Delivered",
            Deadline, "the retried orchestration's new ending to be reported");

        Assert.Equal(("failed", $"{id}:callback"), (failedCall.Headers[CallbackSender.OutcomeHeader], failedCall.Headers[DeliveryHeaders.IdempotencyKey]));
        Assert.Equal("Failed", (string)JsonNode.Parse(failedCall.Body)!["status"]!);
        var completedCall = calls[1];
        Assert.Equal(("completed", $"{id}:callback:1"), (completedCall.Headers[CallbackSender.OutcomeHeader], completedCall.Headers[DeliveryHeaders.IdempotencyKey]));
        var body = JsonNode.Parse(completedCall.Body)!;
        Assert.Equal(("Completed", 1), ((string)body["status"]!, body["previousRuns"]!.AsArray().Count));
        Assert.Equal(("completed", 1), ((string)done["callbackDelivery"]!["outcome"]!, (int)done["callbackDelivery"]!["attempts"]!));
    }

    [Theory]
    [InlineData("""{"tasks":[{"taskURL":"http://127.0.0.1:1/x"}],"callback":{"url":"/relative"}}""", "callback.url")]
    [InlineData("""{"tasks":[{"taskURL":"http://127.0.0.1:1/x"}],"callback":{}}""", "callback.url")]
    [InlineData("""{"tasks":[{"taskURL":"http://127.0.0.1:1/x"}],"callback":{"url":"http://127.0.0.1:1/cb","on":[]}}""", "callback.on")]
    [InlineData("""{"tasks":[{"taskURL":"http://127.0.0.1:1/x"}],"callback":{"url":"http://127.0.0.1:1/cb","on":["done"]}}""", "callback.on")]
    [InlineData("""{"tasks":[{"taskURL":"http://127.0.0.1:1/x"}],"callback":{"url":"http://127.0.0.1:1/cb","on":["failed","failed"]}}""", "callback.on")]
    public async Task PostOrchestration_InvalidCallback_400NamingTheField(string body, string field)
    {
        using var response = await _client.PostAsync(new Uri("/orchestrations", UriKind.Relative), TaskApi.Json(body));
        var problem = await TaskApi.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem["errors"]?[field] is not null, $"The problem does not name {field}: {TaskApi.Describe(problem)}");
    }

    [Fact]
    public async Task PostOrchestration_CallbackToABlockedAddress_422NamingCallbackUrl()
    {
        using var response = await _client.PostAsJsonAsync(new Uri("/orchestrations", UriKind.Relative), new
        {
            tasks = new[] { new { taskURL = fixture.Target.UrlFor() } }, callback = new { url = "http://169.254.169.254/latest/meta-data" },
        });
        var problem = await TaskApi.AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.True(problem["errors"]?["callback.url"] is not null, $"The problem does not name callback.url: {TaskApi.Describe(problem)}");
    }

    [Fact]
    public async Task PatchOrchestration_Callback_400SayingItIsSetAtCreation()
    {
        var id = (string)(await OrchestrationApi.CreateAsync(_client, new { initialDelayInMS = 60_000, tasks = new[] { new { taskURL = fixture.Target.UrlFor() } } }))["id"]!;

        using var response = await _client.PatchAsJsonAsync(new Uri($"/orchestrations/{id}", UriKind.Relative), new { callback = new { url = fixture.Target.UrlFor() } });

        var problem = await TaskApi.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem["errors"]?["callback"] is not null, $"The problem does not name callback: {TaskApi.Describe(problem)}");
    }

    [Fact]
    public async Task Callback_OwedWhenTheServerIsKilled_DeliveredAfterRestart()
    {
        // The first attempt is answered 429 with Retry-After: 4 s; the server dies before the second.
        var callbackUrl = fixture.Target.UrlFor("retry-after/4/1");
        var id = (string)(await OrchestrationApi.CreateAsync(_client, new
        {
            initialDelayInMS = 100, tasks = new[] { new { taskURL = fixture.Target.UrlFor() } }, callback = new { url = callbackUrl },
        }))["id"]!;
        await fixture.Target.WaitForCallsAsync(callbackUrl, timeout: Deadline);
        await Poll.UntilAsync(
            () => OrchestrationApi.GetAsync(_client, id), o => (int?)o["callbackDelivery"]?["attempts"] == 1, Deadline, "the first callback attempt to be recorded");
        await _server.KillAsync();
        Assert.Single(fixture.Target.CallsTo(callbackUrl));

        _server = await fixture.StartServerAsync(_settings);
        using var after = _server.CreateClient(TestTokens.Create(_owner));
        await fixture.Target.WaitForCallsAsync(callbackUrl, count: 2, timeout: TimeSpan.FromSeconds(90));
        var orchestration = await Poll.UntilAsync(
            () => OrchestrationApi.GetAsync(after, id), o => (string?)o["callbackDelivery"]?["status"] == "Delivered", Deadline,
            "the callback to be delivered after the restart");
        Assert.Equal(2, (int)orchestration["callbackDelivery"]!["attempts"]!);
        Assert.Equal("Completed", (string)orchestration["status"]!);
    }

    [Fact]
    public async Task Schedule_TopLevelCallback_EachRunCarriesItUnlessItsOwnGivesOne()
    {
        var (scheduleCallback, ownCallback) = (fixture.Target.UrlFor(), fixture.Target.UrlFor());
        var taskSchedule = await CreateScheduleAsync(new { cron = "@yearly", task = new { taskURL = fixture.Target.UrlFor() }, callback = new { url = scheduleCallback } });
        Assert.Equal(scheduleCallback, (string)taskSchedule["callback"]!["url"]!);
        var orchestrationSchedule = await CreateScheduleAsync(new
        {
            cron = "@yearly",
            orchestration = new { tasks = new[] { new { taskURL = fixture.Target.UrlFor() } }, callback = new { url = ownCallback, on = new[] { "completed" } } },
            callback = new { url = scheduleCallback, on = new[] { "failed" } },
        });
        Assert.Equal(ownCallback, (string)orchestrationSchedule["orchestration"]!["callback"]!["url"]!);

        var taskRun = await TriggerAsync((string)taskSchedule["id"]!);
        var taskCall = Assert.Single(await fixture.Target.WaitForCallsAsync(scheduleCallback, timeout: Deadline));
        var taskBody = JsonNode.Parse(taskCall.Body)!;
        Assert.Equal(((string)taskRun["taskId"]!, "Completed", (string)taskSchedule["id"]!), ((string)taskBody["id"]!, (string)taskBody["status"]!, (string)taskBody["scheduleId"]!));
        Assert.Equal(scheduleCallback, (string)taskBody["callback"]!["url"]!);

        var orchestrationRun = await TriggerAsync((string)orchestrationSchedule["id"]!);
        var orchestrationCall = Assert.Single(await fixture.Target.WaitForCallsAsync(ownCallback, timeout: Deadline));
        var orchestrationBody = JsonNode.Parse(orchestrationCall.Body)!;
        Assert.Equal(((string)orchestrationRun["orchestrationId"]!, "Completed"), ((string)orchestrationBody["id"]!, (string)orchestrationBody["status"]!));
        Assert.Single(fixture.Target.CallsTo(scheduleCallback));
    }

    [Fact]
    public async Task Schedule_CallbackChangedAndInvalid_PatchReplacesItAndBadOnesAre422()
    {
        var (first, second) = (fixture.Target.UrlFor(), fixture.Target.UrlFor());
        var schedule = await CreateScheduleAsync(new { cron = "@yearly", task = new { taskURL = fixture.Target.UrlFor() }, callback = new { url = first } });
        var id = (string)schedule["id"]!;

        using (var patch = await _client.PatchAsJsonAsync(new Uri($"/schedules/{id}", UriKind.Relative), new { callback = new { url = second, on = new[] { "completed" } } }))
        {
            Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        }

        var changed = (await _client.GetFromJsonAsync<JsonObject>(new Uri($"/schedules/{id}", UriKind.Relative)))!;
        Assert.Equal((second, "completed"), ((string)changed["callback"]!["url"]!, (string)changed["callback"]!["on"]![0]!));
        await TriggerAsync(id);
        Assert.Single(await fixture.Target.WaitForCallsAsync(second, timeout: Deadline));
        Assert.Empty(fixture.Target.CallsTo(first));

        using (var bad = await _client.PostAsJsonAsync(new Uri("/schedules", UriKind.Relative), new
        {
            cron = "@yearly", task = new { taskURL = fixture.Target.UrlFor() }, callback = new { url = first, on = new[] { "sometimes" } },
        }))
        {
            var problem = await TaskApi.AssertProblemAsync(bad, HttpStatusCode.UnprocessableEntity);
            Assert.True(problem["errors"]?["callback.on"] is not null, $"The problem does not name callback.on: {TaskApi.Describe(problem)}");
        }

        using (var badOrchestration = await _client.PostAsJsonAsync(new Uri("/schedules", UriKind.Relative), new
        {
            cron = "@yearly", orchestration = new { tasks = new[] { new { taskURL = fixture.Target.UrlFor() } }, callback = new { url = "relative" } },
        }))
        {
            var problem = await TaskApi.AssertProblemAsync(badOrchestration, HttpStatusCode.UnprocessableEntity);
            Assert.True(problem["errors"]?["orchestration.callback.url"] is not null, $"The problem does not name orchestration.callback.url: {TaskApi.Describe(problem)}");
        }

        using var blocked = await _client.PatchAsJsonAsync(new Uri($"/schedules/{id}", UriKind.Relative), new { callback = new { url = "http://169.254.169.254/x" } });
        var refused = await TaskApi.AssertProblemAsync(blocked, HttpStatusCode.UnprocessableEntity);
        Assert.True(refused["errors"]?["callback.url"] is not null, $"The problem does not name callback.url: {TaskApi.Describe(refused)}");
    }

    private async Task<JsonObject> CreateScheduleAsync(object body)
    {
        using var response = await _client.PostAsJsonAsync(new Uri("/schedules", UriKind.Relative), body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST /schedules answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    private async Task<JsonObject> TriggerAsync(string scheduleId)
    {
        using var response = await _client.PostAsync(new Uri($"/schedules/{scheduleId}/trigger", UriKind.Relative), null);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST /schedules/{scheduleId}/trigger answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    private static bool Verify(string key, RecordedCall call, string url) => DeliverySignature.Verify(
        key, call.Method, url, name => call.Headers.GetValueOrDefault(name), Encoding.UTF8.GetBytes(call.Body), DateTimeOffset.UtcNow, DeliverySignature.DefaultTolerance);
}
