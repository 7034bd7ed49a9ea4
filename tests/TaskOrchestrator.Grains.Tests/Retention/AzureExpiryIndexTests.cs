using Azure.Data.Tables;
using TaskOrchestrator.Hosting;
using TaskOrchestrator.Retention;
using TaskOrchestrator.Storage;
using TaskOrchestrator.Grains.Tests.Storage;

namespace TaskOrchestrator.Grains.Tests.Retention;

/// <summary>The expiry rows in a real Azurite table: filed, read when due, and deleted in the version read.</summary>
[Collection(AzureStorageCollection.Name)]
public sealed class AzureExpiryIndexTests : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    // On a bucket's edge: +1 s and +7 s fall in the same 10-second bucket.
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);
    private readonly TableServiceClient _tables;
    private readonly string _tableName = $"X{Guid.NewGuid():N}Expiry";
    private readonly AzureExpiryIndex _index;

    public AzureExpiryIndexTests(AzuriteFixture azurite)
    {
        _tables = StorageClients.CreateTableServiceClient(azurite.ConnectionString, new StorageOptions());
        _index = new AzureExpiryIndex(_tables, _tableName);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _index.DisposeAsync();
        await _tables.GetTableClient(_tableName).DeleteAsync();
    }

    [Fact]
    public async Task RemoveAsync_RowFiledAgainAfterItWasRead_KeepsTheNewRow()
    {
        var id = Guid.NewGuid();
        await _index.AddAsync(ExpiryKind.Orchestration, id, Start.AddSeconds(1));
        var read = Assert.Single(await _index.DueAsync(Start.AddSeconds(2), 100));

        // The same key in the same bucket, filed again between the sweep's read and its delete.
        await _index.AddAsync(ExpiryKind.Orchestration, id, Start.AddSeconds(7));
        await _index.RemoveAsync([read]);

        var left = Assert.Single(await _index.DueAsync(Start.AddSeconds(8), 100));
        Assert.Equal((id, ExpiryKind.Orchestration, Start.AddSeconds(7)), (left.Id, left.Kind, left.ExpiresAt));
        await _index.RemoveAsync([left]);
        Assert.Empty(await _index.DueAsync(Start.AddSeconds(8), 100));
    }

    [Fact]
    public async Task RemoveAsync_SomeRowsAlreadyGone_RemovesTheRestWithoutError()
    {
        var ids = Enumerable.Range(0, 5).Select(_ => Guid.NewGuid()).ToArray();
        foreach (var id in ids)
        {
            await _index.AddAsync(ExpiryKind.Task, id, Start.AddSeconds(1));
        }

        var due = await _index.DueAsync(Start.AddSeconds(2), 100);
        Assert.Equal(ids.Order(), due.Select(e => e.Id).Order());
        await _index.RemoveAsync([due[0], due[3]]);

        await _index.RemoveAsync(due);

        Assert.Empty(await _index.DueAsync(Start.AddSeconds(2), 100));
    }

    [Fact]
    public async Task DueAsync_RowsOfLaterBuckets_AreNotRead()
    {
        var now = Guid.NewGuid();
        await _index.AddAsync(ExpiryKind.Task, now, Start.AddSeconds(1));
        await _index.AddAsync(ExpiryKind.Task, Guid.NewGuid(), Start.AddSeconds(9));
        await _index.AddAsync(ExpiryKind.Task, Guid.NewGuid(), Start.AddMinutes(5));

        var due = await _index.DueAsync(Start.AddSeconds(2), 100);

        Assert.Equal(now, Assert.Single(due).Id);
    }
}
