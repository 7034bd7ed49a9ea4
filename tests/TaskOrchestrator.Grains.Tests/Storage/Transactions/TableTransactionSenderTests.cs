using Azure;
using Azure.Data.Tables;
using Orleans.Storage;
using TaskOrchestrator.Hosting;
using TaskOrchestrator.Server.Hosting;
using TaskOrchestrator.Storage;
using TaskOrchestrator.Storage.Transactions;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Grains.Tests.Storage.Transactions;

/// <summary>Entity-group transactions sent by <see cref="TableTransactionSender"/> to a real Azurite, checked against the SDK's reads.</summary>
[Collection(AzureStorageCollection.Name)]
public sealed class TableTransactionSenderTests : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    private readonly TableServiceClient _tables;
    private readonly TableClient _table;
    private readonly TableTransactionSender _sender;

    public TableTransactionSenderTests(AzuriteFixture azurite)
    {
        _tables = StorageClients.CreateTableServiceClient(azurite.ConnectionString, new StorageOptions { DirectTransactions = true });
        _table = _tables.GetTableClient($"X{Guid.NewGuid():N}");
        _sender = StorageClients.TransactionSenderFor(_tables) ?? throw new InvalidOperationException("No sender for an account-key connection string.");
    }

    public async Task InitializeAsync() => await _table.CreateIfNotExistsAsync();

    public async Task DisposeAsync() => await _table.DeleteAsync();

    [Fact]
    public async Task SendAsync_AddEveryPropertyType_ReadsBackAsTheSdkWritesIt()
    {
        await SubmitWithSdkAsync(Add(Entity("p", "sdk")));

        var answer = await SendAsync(Add(Entity("p", "ours")), Add(new TableEntity("p", "other")));

        Assert.Null(answer.Failure);
        var ours = await ReadAsync("p", "ours");
        var sdk = await ReadAsync("p", "sdk");
        foreach (var name in Entity("p", "x").Keys.Where(k => k is not "PartitionKey" and not "RowKey"))
        {
            Assert.Equal(sdk.TryGetValue(name, out var expected) ? expected : null, ours.TryGetValue(name, out var actual) ? actual : null);
        }

        Assert.Equal("ümlaut \"quoted\" \\ back\nline \u2028 😀 <tag>", ours.GetString("Text"));
        Assert.Equal(long.MaxValue - 7, ours.GetInt64("Long"));
        Assert.Equal(2.0, ours.GetDouble("WholeDouble"));
        Assert.Equal(new DateTimeOffset(2026, 12, 3, 17, 30, 1, 123, TimeSpan.Zero).AddTicks(4567), ours.GetDateTimeOffset("Instant"));
        Assert.Equal([1, 2, 3, 255], ours.GetBinary("Bytes"));
        Assert.Equal([9, 8, 7], ours.GetBinary("Data"));
        Assert.False(ours.ContainsKey("Missing"));
    }

    [Fact]
    public async Task SendAsync_UpdateUpsertAndDelete_ApplyAndReturnTheETagsOfAPointRead()
    {
        var added = await SendAsync(Add(new TableEntity("p", "a") { ["V"] = 1 }), Add(new TableEntity("p", "b") { ["V"] = 1 }), Add(new TableEntity("p", "c") { ["V"] = 1 }));
        Assert.Equal((await ReadAsync("p", "a")).ETag.ToString(), added.ETags![0]);

        var changed = await SendAsync(
            new TableTransactionAction(TableTransactionActionType.UpdateReplace, new TableEntity("p", "a") { ["V"] = 2 }, new ETag(added.ETags[0]!)),
            new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity("p", "b") { ["W"] = "x" }),
            new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity("p", "new") { ["V"] = 3 }),
            new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity("p", "c"), new ETag(added.ETags[2]!)));

        Assert.Null(changed.Failure);
        var a = await ReadAsync("p", "a");
        var b = await ReadAsync("p", "b");
        Assert.Equal(2, a.GetInt32("V"));
        Assert.Equal(a.ETag.ToString(), changed.ETags![0]);
        Assert.False(b.ContainsKey("V"));
        Assert.Equal(b.ETag.ToString(), changed.ETags[1]);
        Assert.Equal((await ReadAsync("p", "new")).ETag.ToString(), changed.ETags[2]);
        Assert.False((await _table.GetEntityIfExistsAsync<TableEntity>("p", "c")).HasValue);
    }

    [Fact]
    public async Task SendAsync_StaleETagOnTheThirdOfFive_ReportsIndex2And412AndStoresNothing()
    {
        var stale = (await SendAsync(Add(new TableEntity("p", "r2") { ["V"] = 1 }), Add(new TableEntity("p", "other")))).ETags![0]!;
        await SendAsync(new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity("p", "r2") { ["V"] = 2 }), Add(new TableEntity("p", "other2")));

        var answer = await SendAsync(
            Add(new TableEntity("p", "r0")),
            Add(new TableEntity("p", "r1")),
            new TableTransactionAction(TableTransactionActionType.UpdateReplace, new TableEntity("p", "r2") { ["V"] = 3 }, new ETag(stale)),
            Add(new TableEntity("p", "r3")),
            Add(new TableEntity("p", "r4")));

        Assert.Equal(2, answer.FailedIndex);
        Assert.Equal(412, answer.Failure!.Status);
        Assert.Equal("UpdateConditionNotSatisfied", answer.Failure.ErrorCode);
        Assert.False((await _table.GetEntityIfExistsAsync<TableEntity>("p", "r0")).HasValue);
        Assert.False((await _table.GetEntityIfExistsAsync<TableEntity>("p", "r4")).HasValue);
        Assert.Equal(2, (await ReadAsync("p", "r2")).GetInt32("V"));
    }

    [Fact]
    public async Task SendAsync_KeysThatNeedEscaping_AddressTheirRows()
    {
        // Listing keys hold label digests, group names and statuses; keys may hold any character but / \ # ? and controls.
        string[] keys = ["g_it's_", "l_a b+c%d&e=f_", "ls_Ünïcode_€_", "s_Scheduled_000123456", "x(y)*!,;:@$"];
        const string partition = "part 'with' quotes & spaces";
        var adds = keys.Select(k => Add(new TableEntity(partition, k) { ["V"] = 1 })).ToArray();
        Assert.Null((await SendAsync(adds)).Failure);

        var updates = await SendAsync(keys.Select(k => new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(partition, k) { ["V"] = 2 })).ToArray());
        Assert.Null(updates.Failure);
        foreach (var key in keys)
        {
            Assert.Equal(2, (await ReadAsync(partition, key)).GetInt32("V"));
        }

        Assert.Null((await SendAsync(keys.Select(k => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partition, k))).ToArray())).Failure);
        Assert.Empty(await _table.QueryAsync<TableEntity>(e => e.PartitionKey == partition).ToListAsync());
    }

    [Fact]
    public async Task SendAsync_100Rows_AllStoredWithTheirETags()
    {
        var answer = await SendAsync(Enumerable.Range(0, 100).Select(i => Add(new TableEntity("p", $"r{i:D3}") { ["State"] = new byte[2_000] })).ToArray());

        Assert.Null(answer.Failure);
        var rows = await _table.QueryAsync<TableEntity>(e => e.PartitionKey == "p").ToListAsync();
        Assert.Equal(100, rows.Count);
        Assert.Equal(rows.OrderBy(r => r.RowKey, StringComparer.Ordinal).Select(r => r.ETag.ToString()), answer.ETags!);
    }

    [Fact]
    public async Task SendAsync_PropertyOverTheSizeCap_ReportsASizeRefusalAtItsIndex()
    {
        var answer = await SendAsync(Add(new TableEntity("p", "small")), Add(new TableEntity("p", "big") { ["Text"] = new string('x', 40_000) }));

        Assert.Equal(1, answer.FailedIndex);
        Assert.True(RowTooLargeException.IsSizeRefusal(answer.Failure!), $"{answer.Failure!.Status} {answer.Failure.ErrorCode}");
    }

    [Fact]
    public async Task SendAsync_NothingListening_ThrowsWithinTheRetryBudget()
    {
        var closed = StorageClients.CreateTableServiceClient(
            AzuriteProcess.ConnectionStringFor(FreePorts.Consecutive(1), FreePorts.Consecutive(1), FreePorts.Consecutive(1)),
            new StorageOptions { MaxRetries = 1, RequestTimeout = TimeSpan.FromSeconds(1), DirectTransactions = true });
        var sender = StorageClients.TransactionSenderFor(closed)!;
        var before = StorageCallCounter.Instance.Snapshot().GetValueOrDefault("POST $batch");

        await Assert.ThrowsAsync<HttpRequestException>(() => sender.SendAsync(closed.GetTableClient("Nowhere"), [Add(new TableEntity("p", "a")), Add(new TableEntity("p", "b"))]));

        Assert.Equal(before + 2, StorageCallCounter.Instance.Snapshot()["POST $batch"]);
    }

    [Fact]
    public async Task WriteAsync_ThroughTheSender_SettlesTheBrokenRowsAndStoresTheOthers()
    {
        await using var writer = new TableBatchWriter(_table, concurrentFlushes: 1, _sender);
        var stale = await writer.WriteAsync(Add(new TableEntity("p", "taken") { ["V"] = 1 }));
        await writer.WriteAsync(new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity("p", "taken") { ["V"] = 2 }));
        var batchesBefore = StorageCallCounter.Instance.Snapshot().GetValueOrDefault("POST $batch");

        // Queued together, these go out as few transactions: each broken row fails alone, the others are stored.
        var fine = Enumerable.Range(0, 20).Select(i => writer.WriteAsync(Add(new TableEntity("p", $"fine{i:D2}")))).ToList();
        var conflict = writer.WriteAsync(new TableTransactionAction(TableTransactionActionType.UpdateReplace, new TableEntity("p", "taken") { ["V"] = 3 }, stale));
        var missingFine = writer.WriteAsync(new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity("p", "gone")), missingIsFine: true);
        var missing = writer.WriteAsync(new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity("p", "gone2")));
        var tooLarge = writer.WriteAsync(Add(new TableEntity("p", "huge") { ["Text"] = new string('x', 40_000) }));
        fine.AddRange(Enumerable.Range(20, 20).Select(i => writer.WriteAsync(Add(new TableEntity("p", $"fine{i:D2}")))));

        await Task.WhenAll(fine);
        await Assert.ThrowsAsync<InconsistentStateException>(() => conflict);
        await missingFine;
        await Assert.ThrowsAsync<InconsistentStateException>(() => missing);
        await Assert.ThrowsAsync<RowTooLargeException>(() => tooLarge);
        Assert.Equal(40, (await _table.QueryAsync<TableEntity>(e => e.PartitionKey == "p" && e.RowKey.CompareTo("fine") >= 0 && e.RowKey.CompareTo("fine~") < 0).ToListAsync()).Count);
        Assert.Equal(2, (await ReadAsync("p", "taken")).GetInt32("V"));
        Assert.True(StorageCallCounter.Instance.Snapshot()["POST $batch"] > batchesBefore, "No transaction went out.");
    }

    private static TableEntity Entity(string partition, string row) => new(partition, row)
    {
        ["Text"] = "ümlaut \"quoted\" \\ back\nline \u2028 😀 <tag>",
        ["Int"] = -42,
        ["Long"] = long.MaxValue - 7,
        ["Bool"] = true,
        ["Instant"] = new DateTimeOffset(2026, 12, 3, 17, 30, 1, 123, TimeSpan.Zero).AddTicks(4567),
        ["Id"] = Guid.Parse("0190b7a0-1234-7abc-8def-0123456789ab"),
        ["Bytes"] = new byte[] { 1, 2, 3, 255 },
        ["Data"] = BinaryData.FromBytes(new byte[] { 9, 8, 7 }),
        ["Double"] = 3.25,
        ["WholeDouble"] = 2.0,
        ["Missing"] = null,
    };

    private static TableTransactionAction Add(TableEntity entity) => new(TableTransactionActionType.Add, entity);

    private async Task SubmitWithSdkAsync(params TableTransactionAction[] actions) => await _table.SubmitTransactionAsync(actions);

    private async Task<TransactionResponse> SendAsync(params TableTransactionAction[] actions) =>
        await _sender.SendAsync(_table, actions) ?? throw new InvalidOperationException("The sender declined the transaction.");

    private async Task<TableEntity> ReadAsync(string partition, string row) => (await _table.GetEntityAsync<TableEntity>(partition, row)).Value;
}
