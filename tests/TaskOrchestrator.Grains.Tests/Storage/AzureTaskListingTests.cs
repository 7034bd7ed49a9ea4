using System.Text.Json;
using Azure.Data.Tables;
using Orleans;
using TaskOrchestrator.Hosting;
using TaskOrchestrator.Listing;
using TaskOrchestrator.Server.Hosting;
using TaskOrchestrator.Storage;
using TaskOrchestrator.Tasks;
using TaskOrchestrator.Testing;
using static TaskOrchestrator.Grains.Tests.Storage.StoredTasks;

namespace TaskOrchestrator.Grains.Tests.Storage;

/// <summary>
/// The task store's listing rows on a real Azurite table: what each listing costs, that a status change leaves no row of
/// the old status behind, what happens when the listing write fails, and the migration of rows stored before listing
/// rows existed.
/// </summary>
/// <remarks>Counts storage calls with the process-wide <see cref="StorageCallCounter"/>, per table: each test has tables of its own.</remarks>
[Collection(AzureStorageCollection.Name)]
public sealed class AzureTaskListingTests : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    private const string StateName = "task";
    private readonly AzuriteFixture _azurite;
    private readonly string _table = $"L{Guid.NewGuid():N}";
    private readonly TableServiceClient _tables;
    private readonly AzureTaskStorage _store;

    public AzureTaskListingTests(AzuriteFixture azurite)
    {
        _azurite = azurite;
        _tables = StorageClients.CreateTableServiceClient(azurite.ConnectionString);
        _store = new AzureTaskStorage(_tables, _table, Serializer, new TaskIdMinter(TimeProvider.System));
    }

    private string IndexTable => AzureTaskStorage.IndexTableName(_table);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _store.DisposeAsync();

    [Fact]
    public async Task ListAsync_SmallOwnerBesideALargeOne_EachListingReadsOnePage()
    {
        var statuses = Enum.GetValues<ScheduledTaskStatus>();
        await WriteAllAsync(Enumerable.Range(0, 300).Select(i => State(Epoch.AddSeconds(i), owner: "big", status: statuses[i % statuses.Length])));
        var small = await WriteAllAsync(
        [
            State(Epoch.AddMinutes(-30), owner: "small", status: ScheduledTaskStatus.Completed),
            State(Epoch.AddMinutes(-20), owner: "small", status: ScheduledTaskStatus.Failed),
            State(Epoch.AddMinutes(-10), owner: "small", status: ScheduledTaskStatus.Completed),
        ]);

        var (all, allCalls) = await ListCountingAsync(new ListingQuery<ScheduledTaskStatus>("small", null, 2, null));
        var (rest, restCalls) = await ListCountingAsync(new ListingQuery<ScheduledTaskStatus>("small", null, 2, all.Next));
        var (completed, completedCalls) = await ListCountingAsync(new ListingQuery<ScheduledTaskStatus>("small", ScheduledTaskStatus.Completed, 10, null));
        var (failed, failedCalls) = await ListCountingAsync(new ListingQuery<ScheduledTaskStatus>(null, ScheduledTaskStatus.Failed, 10, null));

        Assert.Equal([small[2], small[1]], all.Items.Select(t => t.Id));
        Assert.Equal([small[0]], rest.Items.Select(t => t.Id));
        Assert.Null(rest.Next);
        Assert.Equal([small[2], small[0]], completed.Items.Select(t => t.Id));
        Assert.Equal(10, failed.Items.Count);
        Assert.All(failed.Items, t => Assert.Equal(ScheduledTaskStatus.Failed, t.Status));
        Assert.Equal(failed.Items.OrderByDescending(t => t.CreatedAt).Select(t => t.Id), failed.Items.Select(t => t.Id));
        Assert.All(new[] { allCalls, restCalls, completedCalls, failedCalls }, calls => Assert.Equal(1, calls));
    }

    [Fact]
    public async Task WriteStateAsync_StatusChanges_EveryListingShowsOnlyTheCurrentStatus()
    {
        var holder = Unsaved(State(Epoch, owner: "carol"));
        var id = IdAt(Epoch);
        foreach (var status in new[] { ScheduledTaskStatus.Scheduled, ScheduledTaskStatus.Running, ScheduledTaskStatus.Completed })
        {
            holder.State!.Status = status;
            await _store.WriteStateAsync(StateName, GrainIdOf(id), holder);
        }

        Assert.Equal(ScheduledTaskStatus.Completed, Assert.Single((await _store.ListAsync(new ListingQuery<ScheduledTaskStatus>("carol", null, 10, null))).Items).Status);
        foreach (var status in Enum.GetValues<ScheduledTaskStatus>())
        {
            var expected = status == ScheduledTaskStatus.Completed ? 1 : 0;
            Assert.Equal(expected, (await _store.ListAsync(new ListingQuery<ScheduledTaskStatus>("carol", status, 10, null))).Items.Count);
            Assert.Equal(expected, (await _store.ListAsync(new ListingQuery<ScheduledTaskStatus>(null, status, 10, null))).Items.Count);
        }

        Assert.Equal(1, await CountRowsAsync(IndexTable, "s_Completed_"));
        Assert.Equal(0, await CountRowsAsync(IndexTable, "s_Scheduled_") + await CountRowsAsync(IndexTable, "s_Running_"));
    }

    [Fact]
    public async Task WriteStateAsync_ListingTableUnreachable_StoresStateAndTheNextWriteRemovesTheOldRows()
    {
        var id = IdAt(Epoch);
        var holder = Unsaved(State(Epoch, owner: "dave"));
        await _store.WriteStateAsync(StateName, GrainIdOf(id), holder);

        // The same table, but listing rows go to a port nothing listens on: as if the process died between the two writes.
        var closed = AzuriteProcess.ConnectionStringFor(FreePorts.Consecutive(1), FreePorts.Consecutive(1), FreePorts.Consecutive(1));
        await using (var broken = new AzureTaskStorage(
            _tables, StorageClients.CreateTableServiceClient(closed, new StorageOptions { MaxRetries = 0, RequestTimeout = TimeSpan.FromSeconds(1) }),
            _table, Serializer, new TaskIdMinter(TimeProvider.System)))
        {
            var read = Empty();
            await broken.ReadStateAsync(StateName, GrainIdOf(id), read);
            read.State!.Status = ScheduledTaskStatus.Cancelled;
            await Assert.ThrowsAsync<ListingWriteException>(() => broken.WriteStateAsync(StateName, GrainIdOf(id), read));
        }

        var stored = Empty();
        await _store.ReadStateAsync(StateName, GrainIdOf(id), stored);
        Assert.Equal(ScheduledTaskStatus.Cancelled, stored.State!.Status);
        Assert.Equal(ScheduledTaskStatus.Scheduled, Assert.Single((await _store.ListAsync(new ListingQuery<ScheduledTaskStatus>("dave", null, 10, null))).Items).Status);

        await _store.WriteStateAsync(StateName, GrainIdOf(id), stored);

        Assert.Empty((await _store.ListAsync(new ListingQuery<ScheduledTaskStatus>("dave", ScheduledTaskStatus.Scheduled, 10, null))).Items);
        Assert.Empty((await _store.ListAsync(new ListingQuery<ScheduledTaskStatus>(null, ScheduledTaskStatus.Scheduled, 10, null))).Items);
        Assert.Equal(ScheduledTaskStatus.Cancelled, Assert.Single((await _store.ListAsync(new ListingQuery<ScheduledTaskStatus>("dave", null, 10, null))).Items).Status);
        Assert.Equal(id, Assert.Single((await _store.ListAsync(new ListingQuery<ScheduledTaskStatus>(null, ScheduledTaskStatus.Cancelled, 10, null))).Items).Id);
    }

    [Fact]
    public async Task MigrateListingsAsync_RowsStoredBeforeListingRows_ListsThemOnceAndTheirNextWriteKeepsItRight()
    {
        var old = new[]
        {
            State(Epoch, owner: "erin", status: ScheduledTaskStatus.Scheduled),
            State(Epoch.AddSeconds(1), owner: "erin", status: ScheduledTaskStatus.Failed),
            State(Epoch.AddSeconds(2), owner: "frank", status: ScheduledTaskStatus.Scheduled),
        };
        var ids = old.Select(s => IdAt(s.Definition!.CreatedAt)).ToArray();
        await _tables.CreateTableIfNotExistsAsync(_table);
        for (var i = 0; i < old.Length; i++)
        {
            await WriteLegacyRowAsync(ids[i], old[i]);
        }

        Assert.Empty((await _store.ListAsync(new ListingQuery<ScheduledTaskStatus>("erin", null, 10, null))).Items);

        Assert.Equal(3, await _store.MigrateListingsAsync(CancellationToken.None));
        Assert.Equal(0, await _store.MigrateListingsAsync(CancellationToken.None));

        Assert.Equal([ids[1], ids[0]], (await _store.ListAsync(new ListingQuery<ScheduledTaskStatus>("erin", null, 10, null))).Items.Select(t => t.Id));
        Assert.Equal([ids[2], ids[0]], (await _store.ListAsync(new ListingQuery<ScheduledTaskStatus>(null, ScheduledTaskStatus.Scheduled, 10, null))).Items.Select(t => t.Id));

        // A task stored before listing rows existed keeps no record of them: its first write removes every other status's rows.
        var holder = Empty();
        await _store.ReadStateAsync(StateName, GrainIdOf(ids[0]), holder);
        holder.State!.Status = ScheduledTaskStatus.Completed;
        await _store.WriteStateAsync(StateName, GrainIdOf(ids[0]), holder);

        Assert.Equal([ids[2]], (await _store.ListAsync(new ListingQuery<ScheduledTaskStatus>(null, ScheduledTaskStatus.Scheduled, 10, null))).Items.Select(t => t.Id));
        Assert.Equal([ids[0]], (await _store.ListAsync(new ListingQuery<ScheduledTaskStatus>("erin", ScheduledTaskStatus.Completed, 10, null))).Items.Select(t => t.Id));
    }

    [Fact]
    public async Task MigrateListingsAsync_FreshStoreWhoseTablesDoNotExistYet_HasNothingToDo()
    {
        // A new deployment: the migration may run before any task created the tables.
        Assert.Equal(0, await _store.MigrateListingsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task ExistsAsync_StoredAndUnknownIds_TellThemApart()
    {
        var id = IdAt(Epoch);
        await _store.WriteStateAsync(StateName, GrainIdOf(id), Unsaved(State(Epoch)));

        Assert.True(await _store.ExistsAsync(id));
        Assert.False(await _store.ExistsAsync(Guid.CreateVersion7()));
        Assert.False(await _store.ExistsAsync(Guid.NewGuid()));
    }

    private async Task<Guid[]> WriteAllAsync(IEnumerable<TaskGrainState> states) =>
        await Task.WhenAll(states.Select(async s =>
        {
            var id = IdAt(s.Definition!.CreatedAt);
            await _store.WriteStateAsync(StateName, GrainIdOf(id), Unsaved(s));
            return id;
        }));

    private async Task<(ListingPage<TaskSnapshot> Page, long Calls)> ListCountingAsync(ListingQuery<ScheduledTaskStatus> query)
    {
        long Reads() => StorageCallCounter.Instance.Snapshot().Where(c => c.Key.StartsWith("GET ", StringComparison.Ordinal) && c.Key.Contains(_table, StringComparison.Ordinal)).Sum(c => c.Value);
        var before = Reads();
        var page = await _store.ListAsync(query);
        return (page, Reads() - before);
    }

    private async Task<int> CountRowsAsync(string table, string partitionPrefix)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {partitionPrefix} and PartitionKey lt {partitionPrefix + "~"}");
        var count = 0;
        await foreach (var _ in _tables.GetTableClient(table).QueryAsync<TableEntity>(filter))
        {
            count++;
        }

        return count;
    }

    /// <summary>A row as the store wrote it before listing rows existed: state and listing columns, no layout marker.</summary>
    private async Task WriteLegacyRowAsync(Guid id, TaskGrainState state)
    {
        var rowKey = TaskKeys.RowKey(id);
        var snapshot = state.ToSnapshot(id);
        var entity = new TableEntity(TaskKeys.PartitionKey(rowKey), rowKey)
        {
            ["Owner"] = snapshot.Owner,
            ["Status"] = snapshot.Status.ToString(),
            ["Task"] = JsonSerializer.SerializeToUtf8Bytes(snapshot, new JsonSerializerOptions(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } }),
            ["State"] = Serializer.SerializeToArray(state),
        };
        await _tables.GetTableClient(_table).AddEntityAsync(entity);
    }
}
