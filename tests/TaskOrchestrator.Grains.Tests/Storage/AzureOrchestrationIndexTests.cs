using Azure.Data.Tables;
using TaskOrchestrator.Indexing;
using TaskOrchestrator.Listing;
using TaskOrchestrator.Orchestrations;
using TaskOrchestrator.Storage;
using static TaskOrchestrator.Grains.Tests.Storage.StoredTasks;

namespace TaskOrchestrator.Grains.Tests.Storage;

/// <summary>The orchestration listing on a real Azurite table: each listing a page, status changes, and the migration of rows from before listing rows.</summary>
[Collection(AzureStorageCollection.Name)]
public sealed class AzureOrchestrationIndexTests : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    private readonly string _table = $"O{Guid.NewGuid():N}";
    private readonly TableServiceClient _tables;
    private readonly AzureOrchestrationIndex _index;

    public AzureOrchestrationIndexTests(AzuriteFixture azurite)
    {
        _tables = StorageClients.CreateTableServiceClient(azurite.ConnectionString);
        _index = new AzureOrchestrationIndex(_tables, _table);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _index.DisposeAsync();

    [Fact]
    public async Task ListAsync_OwnersAndStatuses_EachListingShowsItsOwnNewestFirst()
    {
        var statuses = Enum.GetValues<OrchestrationStatus>();
        var written = new List<OrchestrationSummary>();
        for (var i = 0; i < 40; i++)
        {
            var summary = Summary(Epoch.AddMinutes(i * 7), i % 4 == 0 ? "gina" : "hank", statuses[i % statuses.Length]);
            await _index.UpsertAsync(summary, default);
            written.Add(summary);
        }

        var gina = await _index.ListAsync(new ListingQuery<OrchestrationStatus>("gina", null, 100, null));
        var ginaScheduled = await _index.ListAsync(new ListingQuery<OrchestrationStatus>("gina", OrchestrationStatus.Scheduled, 100, null));
        var failed = await _index.ListAsync(new ListingQuery<OrchestrationStatus>(null, OrchestrationStatus.Failed, 3, null));
        var failedRest = await _index.ListAsync(new ListingQuery<OrchestrationStatus>(null, OrchestrationStatus.Failed, 100, failed.Next));
        var everything = await _index.ListAsync(new ListingQuery<OrchestrationStatus>(null, null, 100, null));

        Assert.Equal(Newest(written.Where(s => s.Owner == "gina")), gina.Items.Select(s => s.Id));
        Assert.Equal(Newest(written.Where(s => s.Owner == "gina" && s.Status == OrchestrationStatus.Scheduled)), ginaScheduled.Items.Select(s => s.Id));
        Assert.Equal(Newest(written.Where(s => s.Status == OrchestrationStatus.Failed)), failed.Items.Concat(failedRest.Items).Select(s => s.Id));
        Assert.Equal(3, failed.Items.Count);
        Assert.Equal(Newest(written), everything.Items.Select(s => s.Id));
    }

    [Fact]
    public async Task UpsertAsync_StatusChangeWithStaleSet_LeavesNoRowOfTheOldStatus()
    {
        var scheduled = Summary(Epoch, "ivy", OrchestrationStatus.Scheduled);
        await _index.UpsertAsync(scheduled, default);
        await _index.UpsertAsync(scheduled with { Status = OrchestrationStatus.Running }, StatusSet.Of((int)OrchestrationStatus.Scheduled));
        await _index.UpsertAsync(scheduled with { Status = OrchestrationStatus.Completed }, StatusSet.Of((int)OrchestrationStatus.Running));

        Assert.Equal(OrchestrationStatus.Completed, Assert.Single((await _index.ListAsync(new ListingQuery<OrchestrationStatus>("ivy", null, 10, null))).Items).Status);
        foreach (var status in new[] { OrchestrationStatus.Scheduled, OrchestrationStatus.Running })
        {
            Assert.Empty((await _index.ListAsync(new ListingQuery<OrchestrationStatus>("ivy", status, 10, null))).Items);
            Assert.Empty((await _index.ListAsync(new ListingQuery<OrchestrationStatus>(null, status, 10, null))).Items);
        }

        Assert.Single((await _index.ListAsync(new ListingQuery<OrchestrationStatus>(null, OrchestrationStatus.Completed, 10, null))).Items);
    }

    [Fact]
    public async Task MigrateListingsAsync_RowsFromBeforeListingRows_AreListedOnce()
    {
        var old = Summary(Epoch, "jack", OrchestrationStatus.Running);
        await _tables.CreateTableIfNotExistsAsync(_table);
        var position = TaskKeys.RowKey(old.Id);
        await _tables.GetTableClient(_table).AddEntityAsync(new TableEntity(TaskKeys.PartitionKey(position), position)
        {
            ["Owner"] = old.Owner,
            ["Status"] = old.Status.ToString(),
            ["Summary"] = System.Text.Json.JsonSerializer.Serialize(old, AzureOrchestrationIndex.Json),
        });
        Assert.Empty((await _index.ListAsync(new ListingQuery<OrchestrationStatus>("jack", null, 10, null))).Items);

        Assert.Equal(1, await _index.MigrateListingsAsync(CancellationToken.None));
        Assert.Equal(0, await _index.MigrateListingsAsync(CancellationToken.None));

        Assert.Equal(old, Assert.Single((await _index.ListAsync(new ListingQuery<OrchestrationStatus>("jack", OrchestrationStatus.Running, 10, null))).Items));
        Assert.Equal(old, Assert.Single((await _index.ListAsync(new ListingQuery<OrchestrationStatus>(null, null, 10, null))).Items));
    }

    private static OrchestrationSummary Summary(DateTimeOffset createdAt, string owner, OrchestrationStatus status) =>
        new(Guid.CreateVersion7(createdAt), owner, createdAt, createdAt.AddMinutes(1), status, null, 2, null);

    private static IEnumerable<Guid> Newest(IEnumerable<OrchestrationSummary> summaries) =>
        summaries.OrderByDescending(s => s.CreatedAt).Select(s => s.Id);
}
