using System.Net;
using Azure.Data.Tables;
using TaskOrchestrator.Listing;
using TaskOrchestrator.Retention;
using TaskOrchestrator.Server.Tests.Endpoints.Tasks;
using TaskOrchestrator.Storage;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Server.Tests.Integration;

/// <summary>
/// A server killed (SIGKILL) while its retention sweep is removing expired tasks: after a restart on the same storage,
/// every expired task is gone with every row it had, and nothing that had not expired is touched.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class RetentionCrashTests(AzuriteFixture fixture)
{
    private const int Expiring = 100;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task KilledMidSweep_AfterRestart_EveryExpiredTaskGoneAndThePendingAndUnexpiredUntouched()
    {
        // A slow sweep: five tasks a pass, one at a time, so that the kill lands while it is removing them.
        var settings = fixture.SettingsFor($"retention-crash-{Guid.NewGuid():N}");
        settings["TaskOrchestrator:Retention:SweepInterval"] = "00:00:01";
        settings["TaskOrchestrator:Retention:SweepBatch"] = "5";
        settings["TaskOrchestrator:Retention:SweepParallelism"] = "1";
        var owner = $"user-{Guid.NewGuid():N}";
        var token = TestTokens.Create(owner);
        var tables = new TableServiceClient(fixture.Azurite.ConnectionString);

        var first = await fixture.StartServerAsync(settings);
        List<Guid> expiring;
        string pending, unexpired;
        using (var client = first.CreateClient(token))
        {
            pending = (string)(await TaskApi.CreateAsync(client, new { taskURL = fixture.Target.UrlFor(), delayInMS = 600_000, retentionInMS = 1000 }))["id"]!;
            unexpired = (string)(await TaskApi.CreateAsync(client, new { taskURL = fixture.Target.UrlFor(), delayInMS = 0, retentionInMS = 600_000 }))["id"]!;

            // Long enough a retention that all are created and finished before the first expires.
            using var slots = new SemaphoreSlim(8);
            var ids = await Task.WhenAll(Enumerable.Range(0, Expiring).Select(async _ =>
            {
                await slots.WaitAsync();
                try
                {
                    return Guid.Parse((string)(await TaskApi.CreateAsync(client, new { taskURL = fixture.Target.UrlFor(), delayInMS = 0, retentionInMS = 20_000 }))["id"]!);
                }
                finally
                {
                    slots.Release();
                }
            }));
            expiring = [.. ids];
            await Poll.UntilAsync(
                async () => (await Task.WhenAll(expiring.Select(id => TaskApi.StatusAsync(client, id.ToString())))).All(s => s == "Completed"),
                Deadline, "every expiring task to complete");
            Assert.Equal(Expiring, await CountStateRowsAsync(tables, expiring));
        }

        // Kill as soon as the server logs its first pass that removed some (five at most a pass): the rest are still to
        // go. Watching the log rather than counting rows: 100 point reads take longer than the whole sweep may.
        await Poll.UntilAsync(() => first.Output.Any(RemovedSome), Deadline, "the sweep's first pass to remove expired tasks");
        await first.KillAsync();
        var left = await CountStateRowsAsync(tables, expiring);
        Assert.True(left is > 0 and < Expiring, $"The kill did not land mid-sweep: {left} of {Expiring} expired tasks were left.");

        var second = await fixture.StartServerAsync(settings);
        using var after = second.CreateClient(token);
        await Poll.UntilAsync(async () => await CountStateRowsAsync(tables, expiring) == 0, Deadline, "the restarted server's sweep to remove every expired task");
        foreach (var id in expiring)
        {
            using var response = await after.GetAsync($"/tasks/{id}");
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        // No listing or expiry row is left of any of them (a sweep removes listing rows before the state row).
        var keys = expiring.Select(TaskKeys.RowKey).ToHashSet();
        var expiryKeys = expiring.Select(id => ExpiryKeys.RowKey(id)).ToHashSet();
        var indexTable = AzureTaskStorage.IndexTableName(AzureTaskStorage.DefaultTableName);
        await Poll.UntilAsync(
            async () => await RowKeysAsync(tables, AzureExpiryIndex.TableNameFor(AzureTaskStorage.DefaultTableName), k => expiryKeys.Contains(k)) == 0,
            Deadline, "every expiry row of the expired tasks to go");
        Assert.Equal(0, await RowKeysAsync(tables, indexTable, keys.Contains));
        Assert.Equal(0, await RowKeysAsync(tables, ListingKeys.OwnerTable(indexTable, owner), k => keys.Any(p => k.EndsWith(p, StringComparison.Ordinal))));

        // Untouched: the pending task, and the finished one whose retention has not run out.
        var stillPending = await TaskApi.GetAsync(after, pending);
        Assert.Equal("Scheduled", (string)stillPending["status"]!);
        Assert.Null(stillPending["expiresAt"]);
        var kept = await TaskApi.GetAsync(after, unexpired);
        Assert.Equal("Completed", (string)kept["status"]!);
        Assert.True(TaskApi.Instant(kept["expiresAt"]) > DateTimeOffset.UtcNow, "The unexpired task's expiresAt is past.");
        Assert.Equal(2, await CountStateRowsAsync(tables, [Guid.Parse(pending), Guid.Parse(unexpired)]));
        var listed = await after.GetAsync($"/tasks?status=Completed");
        Assert.Contains(unexpired, await listed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        listed.Dispose();

        using var cancel = await after.PutAsync($"/tasks/{pending}/cancel", null);
        await second.StopAsync();
    }

    // "Retention sweep: 5 due, 5 removed, …" (RetentionSweepGrain's log of a pass), with at least one removed.
    private static bool RemovedSome(string line) =>
        line.Contains("Retention sweep: ", StringComparison.Ordinal) && !line.Contains(" due, 0 removed", StringComparison.Ordinal);

    private static async Task<int> CountStateRowsAsync(TableServiceClient tables, IEnumerable<Guid> ids)
    {
        var table = tables.GetTableClient(AzureTaskStorage.DefaultTableName);
        var found = await Task.WhenAll(ids.Select(async id =>
        {
            var position = TaskKeys.RowKey(id);
            return (await table.GetEntityIfExistsAsync<TableEntity>(TaskKeys.PartitionKey(position), position, select: ["PartitionKey"])).HasValue;
        }));
        return found.Count(f => f);
    }

    // How many rows of the table have a row key <paramref name="matches"/> accepts (one scan of the table).
    private static async Task<int> RowKeysAsync(TableServiceClient tables, string tableName, Func<string, bool> matches)
    {
        var count = 0;
        try
        {
            await foreach (var row in tables.GetTableClient(tableName).QueryAsync<TableEntity>(select: ["RowKey"]))
            {
                count += matches(row.RowKey) ? 1 : 0;
            }
        }
        catch (Azure.RequestFailedException e) when (e.Status == 404)
        {
            // No such table: no rows.
        }

        return count;
    }
}
