using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using TaskOrchestrator.Indexing;
using TaskOrchestrator.Retention;
using TaskOrchestrator.Server.Tests.Endpoints.Orchestrations;
using TaskOrchestrator.Server.Tests.Endpoints.Tasks;
using TaskOrchestrator.Server.Tests.Telemetry;
using TaskOrchestrator.Storage;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Server.Tests.Integration;

/// <summary>
/// Retention of orchestrations (and of Idempotency-Key claims) through the API, against the real server process on
/// Azurite. The default retention is 2 s here, so that a step task that expired on its own would be seen doing so.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class OrchestrationRetentionTests(AzuriteFixture fixture) : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(45);
    private ServerProcess _server = null!;
    private HttpClient _client = null!;
    private TableServiceClient _tables = null!;

    public async Task InitializeAsync()
    {
        var settings = fixture.SettingsFor($"orch-retention-{Guid.NewGuid():N}");
        settings["TaskOrchestrator:Retention:SweepInterval"] = "00:00:01";
        settings["TaskOrchestrator:Retention:Finished"] = "00:00:02";
        _server = await fixture.StartServerAsync(settings);
        _client = _server.CreateClient(TestTokens.Create($"user-{Guid.NewGuid():N}"));
        _tables = new TableServiceClient(fixture.Azurite.ConnectionString);
    }

    public Task DisposeAsync()
    {
        _client.Dispose();
        return _server.StopAsync();
    }

    [Fact]
    public async Task Orchestration_ShortRetention_404AfterExpiresAtGoneFromListingsWithItsStepTasksAndRows()
    {
        var (first, check, second) = (fixture.Target.UrlFor(), fixture.Target.UrlFor("pass-after/1"), fixture.Target.UrlFor());
        var created = await OrchestrationApi.CreateAsync(_client, new
        {
            initialDelayInMS = 0,
            retentionInMS = 8000,
            labels = new Dictionary<string, string> { ["suite"] = "retention" },
            tasks = new object[]
            {
                new { taskURL = first, conditionCheck = new { taskURL = check, retries = 2, retryDelayInMS = 100 } },
                new { taskURL = second },
            },
        });
        var id = (string)created["id"]!;
        Assert.Null(created["expiresAt"]);

        var done = await OrchestrationApi.WaitForStatusAsync(_client, id, "Completed", Deadline);
        var expiresAt = TaskApi.Instant(done["expiresAt"]);
        Assert.Equal(TaskApi.Instant(done["finishedAt"]).AddMilliseconds(8000), expiresAt);
        var children = ChildTaskIds(done);
        Assert.Equal(4, children.Count); // two steps and two check attempts

        // The listing and expiry rows are written after the state GET answers from: wait for them.
        await Poll.UntilAsync(async () => (await ListAsync("/orchestrations?status=Completed")).Contains(id), Deadline, "the listing to show it Completed");
        await Poll.UntilAsync(
            async () => await OrchestrationRowsAsync(Guid.Parse(id)) is { State: true, Listing: true, Expiry: true }, Deadline, "the finished orchestration's rows to be in place");
        foreach (var child in children)
        {
            Assert.Null((await TaskApi.GetAsync(_client, child))["expiresAt"]);
        }

        await Poll.UntilAsync(async () => await StatusCodeAsync($"/orchestrations/{id}") == HttpStatusCode.NotFound, Deadline, "GET to answer 404 after expiresAt");
        Assert.True(DateTimeOffset.UtcNow >= expiresAt, "The orchestration was gone before its expiresAt.");
        Assert.DoesNotContain(id, await ListAsync("/orchestrations"));
        Assert.DoesNotContain(id, await ListAsync("/orchestrations?status=Completed"));
        Assert.DoesNotContain(id, await ListAsync("/orchestrations?label=suite:retention"));
        await AssertProblemAsync(await _client.PutAsync($"/orchestrations/{id}/cancel", null), HttpStatusCode.NotFound);
        await AssertProblemAsync(await _client.PatchAsJsonAsync($"/orchestrations/{id}", new { initialDelayInMS = 5000 }), HttpStatusCode.NotFound);
        await AssertProblemAsync(await _client.PostAsync($"/orchestrations/{id}/retry", null), HttpStatusCode.NotFound);

        await Poll.UntilAsync(
            async () => await OrchestrationRowsAsync(Guid.Parse(id)) is { State: false, Listing: false, Expiry: false }, Deadline, "the sweep to delete every row of the orchestration");
        foreach (var child in children)
        {
            Assert.Equal(HttpStatusCode.NotFound, await StatusCodeAsync($"/tasks/{child}"));
            Assert.False(await TaskStateRowExistsAsync(Guid.Parse(child)), $"Step task {child}'s state row is left.");
        }

        var metrics = await PrometheusScrape.ScrapeAsync(_server.BaseAddress);
        Assert.True(metrics.Value("taskorchestrator_retention_expired_total", "kind=\"orchestration\"") >= 1, "No expired orchestration counted in /metrics.");
    }

    [Fact]
    public async Task StepTasks_DefaultRetentionShorterThanTheOrchestrations_KeptUntilTheOrchestrationGoes()
    {
        var step = fixture.Target.UrlFor();
        var id = (string)(await OrchestrationApi.CreateAsync(_client, new { initialDelayInMS = 0, retentionInMS = 60_000, tasks = new object[] { new { taskURL = step } } }))["id"]!;
        var done = await OrchestrationApi.WaitForStatusAsync(_client, id, "Completed", Deadline);
        var stepTask = (string)OrchestrationApi.Step(done, 0)["taskId"]!;

        // A standalone task with the default retention (2 s), finished after the step: once the sweep removed it, the
        // step task would have gone too had it expired on its own.
        var sentinel = (string)(await TaskApi.CreateAsync(_client, new { taskURL = fixture.Target.UrlFor(), delayInMS = 0 }))["id"]!;
        await Poll.UntilAsync(async () => !await TaskStateRowExistsAsync(Guid.Parse(sentinel)), Deadline, "the sweep to remove a task of the default retention");

        var task = await TaskApi.GetAsync(_client, stepTask);
        Assert.Equal("Completed", (string)task["status"]!);
        Assert.Null(task["expiresAt"]);
        Assert.True(await TaskStateRowExistsAsync(Guid.Parse(stepTask)), "The step task's row went before its orchestration.");
        Assert.Equal(HttpStatusCode.OK, await StatusCodeAsync($"/orchestrations/{id}"));
    }

    [Fact]
    public async Task Retry_FinishedBeforeItsExpiry_ClearsExpiresAtAndTheOldExpiryRowDoesNotRemoveIt()
    {
        var (flaky, slow) = (fixture.Target.UrlFor("fail-first/1"), fixture.Target.UrlFor("slow/6000"));
        var id = (string)(await OrchestrationApi.CreateAsync(_client, new
        {
            initialDelayInMS = 0,
            retentionInMS = 2000,
            tasks = new object[] { new { taskURL = flaky, retry = new { maxAttempts = 1 } }, new { taskURL = slow } },
        }))["id"]!;
        var failed = await OrchestrationApi.WaitForStatusAsync(_client, id, "Failed", Deadline);
        var oldExpiry = TaskApi.Instant(failed["expiresAt"]);

        using (var retry = await _client.PostAsync($"/orchestrations/{id}/retry", null))
        {
            var retried = (await retry.Content.ReadFromJsonAsync<JsonObject>())!;
            Assert.True(retry.StatusCode == HttpStatusCode.OK, retried.ToJsonString());
            Assert.Null(retried["expiresAt"]);
        }

        // The slow second step keeps it running past its old expiry: the sweep reads the old row and drops it.
        await Poll.UntilAsync(async () => !(await OrchestrationRowsAsync(Guid.Parse(id))).Expiry, Deadline, "the sweep to drop the old expiry row");
        Assert.True(DateTimeOffset.UtcNow > oldExpiry, "The old expiry row went before it was due.");
        var running = await OrchestrationApi.GetAsync(_client, id);
        Assert.Equal("Running", (string)running["status"]!);
        Assert.Null(running["expiresAt"]);
        Assert.Contains(id, await ListAsync("/orchestrations?status=Running"));

        var completed = await OrchestrationApi.WaitForStatusAsync(_client, id, "Completed", Deadline);
        Assert.Equal(TaskApi.Instant(completed["finishedAt"]).AddMilliseconds(2000), TaskApi.Instant(completed["expiresAt"]));
        await Poll.UntilAsync(async () => await StatusCodeAsync($"/orchestrations/{id}") == HttpStatusCode.NotFound, Deadline, "the retried orchestration to expire in its turn");
        await Poll.UntilAsync(async () => await OrchestrationRowsAsync(Guid.Parse(id)) is { State: false, Listing: false, Expiry: false }, Deadline, "its rows to go");
    }

    [Fact]
    public async Task Create_RetentionOutOfBounds_400NamingIt()
    {
        foreach (var retention in new[] { 999L, 31_622_400_001L })
        {
            using var response = await _client.PostAsJsonAsync("/orchestrations", new { retentionInMS = retention, tasks = new object[] { new { taskURL = fixture.Target.UrlFor() } } });
            var problem = await TaskApi.AssertProblemAsync(response, HttpStatusCode.BadRequest);
            Assert.NotNull(problem["errors"]!["retentionInMS"]);
        }
    }

    [Fact]
    public async Task Update_GivesRetention_400NamingIt()
    {
        var id = (string)(await OrchestrationApi.CreateAsync(_client, new { initialDelayInMS = 60_000, tasks = new object[] { new { taskURL = fixture.Target.UrlFor() } } }))["id"]!;

        using var response = await _client.PatchAsJsonAsync($"/orchestrations/{id}", new { retentionInMS = 5000 });

        var problem = await TaskApi.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]!["retentionInMS"]);
        using var cancel = await _client.PutAsync($"/orchestrations/{id}/cancel", null);
    }

    [Fact]
    public async Task IdempotencyKey_TaskRemovedByRetention_RepeatCreatesANewTaskInsteadOfTheRemovedOne()
    {
        var key = $"key-{Guid.NewGuid():N}";
        var body = new { taskURL = fixture.Target.UrlFor(), delayInMS = 0, retentionInMS = 1000 };
        var first = (string)(await PostKeyedAsync("/tasks", key, body, HttpStatusCode.Created))["id"]!;
        await Poll.UntilAsync(async () => !await TaskStateRowExistsAsync(Guid.Parse(first)), Deadline, "the sweep to remove the task");

        var again = (string)(await PostKeyedAsync("/tasks", key, body, HttpStatusCode.Created))["id"]!;

        Assert.NotEqual(first, again);
        Assert.Equal(HttpStatusCode.NotFound, await StatusCodeAsync($"/tasks/{first}"));
    }

    [Fact]
    public async Task IdempotencyKey_OrchestrationRemovedByRetention_RepeatCreatesANewOne()
    {
        var key = $"key-{Guid.NewGuid():N}";
        var body = new { initialDelayInMS = 0, retentionInMS = 1000, tasks = new object[] { new { taskURL = fixture.Target.UrlFor() } } };
        var first = (string)(await PostKeyedAsync("/orchestrations", key, body, HttpStatusCode.Created))["id"]!;
        await OrchestrationApi.WaitForStatusAsync(_client, first, "Completed", Deadline);
        await Poll.UntilAsync(async () => !(await OrchestrationRowsAsync(Guid.Parse(first))).State, Deadline, "the sweep to remove the orchestration");

        var again = (string)(await PostKeyedAsync("/orchestrations", key, body, HttpStatusCode.Created))["id"]!;

        Assert.NotEqual(first, again);
        Assert.Equal(HttpStatusCode.NotFound, await StatusCodeAsync($"/orchestrations/{first}"));
    }

    private async Task<JsonObject> PostKeyedAsync(string path, string key, object body, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        using var response = await _client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"POST {path} answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        using (response)
        {
            await TaskApi.AssertProblemAsync(response, expected);
        }
    }

    private static List<string> ChildTaskIds(JsonObject orchestration) =>
        [.. orchestration["steps"]!.AsArray().SelectMany(s => s!["conditionCheck"]?["attempts"]?.AsArray().Select(a => (string)a!["taskId"]!) ?? [])
            .Concat(orchestration["steps"]!.AsArray().Select(s => (string)s!["taskId"]!))];

    private async Task<HttpStatusCode> StatusCodeAsync(string path)
    {
        using var response = await _client.GetAsync(path);
        return response.StatusCode;
    }

    private async Task<List<string>> ListAsync(string path) =>
        [.. (await _client.GetFromJsonAsync<JsonArray>(path))!.Select(t => (string)t!["id"]!)];

    private async Task<bool> TaskStateRowExistsAsync(Guid id)
    {
        var position = TaskKeys.RowKey(id);
        return (await _tables.GetTableClient(AzureTaskStorage.DefaultTableName).GetEntityIfExistsAsync<TableEntity>(TaskKeys.PartitionKey(position), position)).HasValue;
    }

    /// <summary>Whether the orchestration's state row, any listing row and its expiry row exist.</summary>
    private async Task<(bool State, bool Listing, bool Expiry)> OrchestrationRowsAsync(Guid id)
    {
        var state = false;
        await foreach (var row in _tables.GetTableClient(global::TaskOrchestrator.Hosting.TaskOrchestratorSiloExtensions.OrchestrationStateTable).QueryAsync<TableEntity>(select: ["PartitionKey"]))
        {
            state |= row.PartitionKey.Contains(id.ToString("N"), StringComparison.OrdinalIgnoreCase);
        }

        var listing = await new AzureOrchestrationIndex(_tables).ExistsAsync(id);
        var expiry = false;
        var expiryTable = _tables.GetTableClient(AzureExpiryIndex.TableNameFor(AzureTaskStorage.DefaultTableName));
        var rowKey = ExpiryKeys.RowKey(ExpiryKind.Orchestration, id);
        await foreach (var _ in expiryTable.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey eq {rowKey}"), select: ["RowKey"]))
        {
            expiry = true;
        }

        return (state, listing, expiry);
    }
}
