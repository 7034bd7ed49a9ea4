using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using TaskOrchestrator.Listing;
using TaskOrchestrator.Server.Tests.Endpoints.Tasks;
using TaskOrchestrator.Server.Tests.Telemetry;
using TaskOrchestrator.Storage;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Server.Tests.Integration;

/// <summary>Retention through the API, against the real server process on Azurite: finished tasks go, with every row they had.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class RetentionTests(AzuriteFixture fixture) : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(45);
    private ServerProcess _server = null!;
    private HttpClient _client = null!;
    private string _owner = null!;
    private TableServiceClient _tables = null!;

    public async Task InitializeAsync()
    {
        var settings = fixture.SettingsFor($"retention-{Guid.NewGuid():N}");
        settings["TaskOrchestrator:Retention:SweepInterval"] = "00:00:01";
        _server = await fixture.StartServerAsync(settings);
        _owner = $"user-{Guid.NewGuid():N}";
        _client = _server.CreateClient(TestTokens.Create(_owner));
        _tables = new TableServiceClient(fixture.Azurite.ConnectionString);
    }

    public Task DisposeAsync()
    {
        _client.Dispose();
        return _server.StopAsync();
    }

    [Fact]
    public async Task Task_ShortRetention_404AfterExpiresAtAndEveryRowOfItGone()
    {
        var id = (string)(await TaskApi.CreateAsync(_client, new { taskURL = fixture.Target.UrlFor(), delayInMS = 100, retentionInMS = 2000 }))["id"]!;
        var done = await Poll.UntilAsync(() => TaskApi.GetAsync(_client, id), t => (string)t["status"]! == "Completed", Deadline, "the task to complete");
        var expiresAt = TaskApi.Instant(done["expiresAt"]);
        Assert.Equal(TaskApi.Instant(done["finishedAt"]).AddMilliseconds(2000), expiresAt);
        Assert.True(await RowsOfAsync(Guid.Parse(id)) is { State: true, Listing: > 0, Expiry: true }, "The finished task's rows are not all in place.");

        await Poll.UntilAsync(async () => await GetStatusCodeAsync(id) == HttpStatusCode.NotFound, Deadline, "GET to answer 404 after expiresAt");
        Assert.True(DateTimeOffset.UtcNow >= expiresAt, "The task was gone before its expiresAt.");
        Assert.DoesNotContain(id, await ListAsync("/tasks"));
        Assert.DoesNotContain(id, await ListAsync("/tasks?status=Completed"));
        using (var cancel = await _client.PutAsync($"/tasks/{id}/cancel", null))
        {
            await TaskApi.AssertProblemAsync(cancel, HttpStatusCode.NotFound);
        }

        using (var rerun = await _client.PostAsync($"/tasks/{id}/rerun", null))
        {
            await TaskApi.AssertProblemAsync(rerun, HttpStatusCode.NotFound);
        }

        var rows = await Poll.UntilAsync(() => RowsOfAsync(Guid.Parse(id)), r => r is { State: false, Listing: 0, Expiry: false }, Deadline, "the sweep to delete every row of the task");
        Assert.Equal((false, 0, false), rows);
        var metrics = await PrometheusScrape.ScrapeAsync(_server.BaseAddress);
        Assert.True(metrics.Value("taskorchestrator_retention_expired_total", "kind=\"task\"") >= 1, "No expired task counted in /metrics.");
    }

    [Fact]
    public async Task PendingTask_ShortRetention_NeverRemoved()
    {
        var pending = (string)(await TaskApi.CreateAsync(_client, new { taskURL = fixture.Target.UrlFor(), delayInMS = 120_000, retentionInMS = 1000 }))["id"]!;
        var finished = (string)(await TaskApi.CreateAsync(_client, new { taskURL = fixture.Target.UrlFor(), delayInMS = 100, retentionInMS = 1000 }))["id"]!;

        // Once a sweep has removed the finished task, it has been past the pending one too.
        await Poll.UntilAsync(async () => (await RowsOfAsync(Guid.Parse(finished))).State == false, Deadline, "the sweep to remove the finished task");

        var task = await TaskApi.GetAsync(_client, pending);
        Assert.Equal("Scheduled", (string)task["status"]!);
        Assert.Null(task["expiresAt"]);
        Assert.Contains(pending, await ListAsync("/tasks?status=Scheduled"));
        Assert.True((await RowsOfAsync(Guid.Parse(pending))).State, "The pending task's row is gone.");
    }

    [Fact]
    public async Task ScheduledRun_ScheduleStillExists_RemovedAfterItsRetentionWhileTheScheduleGoesOn()
    {
        var url = fixture.Target.UrlFor();
        string scheduleId;
        using (var created = await _client.PostAsJsonAsync("/schedules", new { everyInMS = 2000, task = new { taskURL = url, retentionInMS = 1000 } }))
        {
            Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
            scheduleId = (string)(await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!;
        }

        try
        {
            var schedule = await Poll.UntilAsync(
                () => _client.GetFromJsonAsync<JsonObject>($"/schedules/{scheduleId}")!, s => s!["recentRuns"]?.AsArray().Any(r => (string?)r!["outcome"] == "Completed") == true,
                Deadline, "a run of the schedule to complete");
            var run = (string)schedule!["recentRuns"]!.AsArray().First(r => (string?)r!["outcome"] == "Completed")!["taskId"]!;

            await Poll.UntilAsync(async () => await GetStatusCodeAsync(run) == HttpStatusCode.NotFound, Deadline, "the schedule's run to expire");
            await Poll.UntilAsync(async () => (await RowsOfAsync(Guid.Parse(run))) is { State: false, Listing: 0, Expiry: false }, Deadline, "the run's rows to go");

            // The schedule is untouched, and its recent runs may still name the run that is gone.
            var after = await _client.GetFromJsonAsync<JsonObject>($"/schedules/{scheduleId}");
            Assert.Equal("Active", (string)after!["status"]!);
            Assert.DoesNotContain(run, await ListAsync($"/tasks?scheduleId={scheduleId}"));
        }
        finally
        {
            using var deleted = await _client.DeleteAsync($"/schedules/{scheduleId}");
        }
    }

    private async Task<HttpStatusCode> GetStatusCodeAsync(string id)
    {
        using var response = await _client.GetAsync($"/tasks/{id}");
        return response.StatusCode;
    }

    private async Task<List<string>> ListAsync(string path) =>
        [.. (await _client.GetFromJsonAsync<JsonArray>(path))!.Select(t => (string)t!["id"]!)];

    /// <summary>Whether the task's state row and expiry row exist, and how many listing rows it has (its owner's and the status index's).</summary>
    private async Task<(bool State, int Listing, bool Expiry)> RowsOfAsync(Guid id)
    {
        var position = TaskKeys.RowKey(id);
        var state = (await _tables.GetTableClient(AzureTaskStorage.DefaultTableName).GetEntityIfExistsAsync<TableEntity>(TaskKeys.PartitionKey(position), position)).HasValue;
        var listing = 0;
        var ownerTable = _tables.GetTableClient(ListingKeys.OwnerTable(AzureTaskStorage.IndexTableName(AzureTaskStorage.DefaultTableName), _owner));
        await foreach (var row in ownerTable.QueryAsync<TableEntity>(select: ["RowKey"]))
        {
            listing += row.RowKey.EndsWith(position, StringComparison.Ordinal) ? 1 : 0;
        }

        var index = _tables.GetTableClient(AzureTaskStorage.IndexTableName(AzureTaskStorage.DefaultTableName));
        await foreach (var _ in index.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey eq {position}"), select: ["RowKey"]))
        {
            listing++;
        }

        var expiry = false;
        var expiryTable = _tables.GetTableClient(Retention.AzureExpiryIndex.TableNameFor(AzureTaskStorage.DefaultTableName));
        await foreach (var _ in expiryTable.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey eq {id.ToString("N")}"), select: ["RowKey"]))
        {
            expiry = true;
        }

        return (state, listing, expiry);
    }
}
