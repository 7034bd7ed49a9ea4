using System.Text;
using Microsoft.Extensions.Time.Testing;
using Orleans;
using Orleans.Storage;
using TaskOrchestrator.Indexing;
using TaskOrchestrator.Listing;
using TaskOrchestrator.Storage;
using TaskOrchestrator.Tasks;
using Xunit.Abstractions;
using static TaskOrchestrator.Grains.Tests.Storage.StoredTasks;

namespace TaskOrchestrator.Grains.Tests.Storage;

/// <summary>
/// The task store contract on a real Azurite table (a fresh table per test), plus what only the table store does:
/// state split over binary properties, group commit, and skipping the read of ids minted here.
/// </summary>
/// <remarks>
/// Some tests count storage calls with the process-wide <see cref="StorageCallCounter"/>: no other test class in
/// this assembly talks to Azure Storage, and the tests of one class run one at a time.
/// </remarks>
[Collection(AzureStorageCollection.Name)]
public sealed class AzureTaskStorageTests : TaskStoreContractTests, IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    private readonly AzuriteFixture _azurite;
    private readonly ITestOutputHelper _output;
    private readonly string _table = $"T{Guid.NewGuid():N}";
    private readonly TaskIdMinter _minter = new(TimeProvider.System);
    private readonly AzureTaskStorage _store;

    public AzureTaskStorageTests(AzuriteFixture azurite, ITestOutputHelper output)
    {
        _azurite = azurite;
        _output = output;
        _store = NewStore(_minter);
    }

    protected override IGrainStorage Storage => _store;

    protected override ITaskIndex Index => _store;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _store.DisposeAsync();

    [Fact]
    public async Task WriteStateAsync_200KiBBody_RoundTripsAcrossSeveralProperties()
    {
        // A binary property holds 64 KiB: this state (some 250 KB) needs five, and must come back whole and in order.
        var body = string.Concat(Enumerable.Range(0, 200 * 1024 / 8).Select(i => $"{i % 10_000_000:D7}€"));
        var state = State(Epoch, body: body);
        var (id, written) = await WriteNewAsync(state);

        var read = await ReadAsync(id);

        Assert.True(read.RecordExists);
        Assert.Equal(written.ETag, read.ETag);
        Assert.Equal(body.Length, read.State!.Definition!.Body!.Length);
        AssertSameTask(state, read.State);
        Assert.Equal(state.ToSnapshot(id), Assert.Single((await Index.ListAsync(new ListingQuery<ScheduledTaskStatus>(null, null, 10, null))).Items));
    }

    [Fact]
    public async Task WriteStateAsync_200KiBBodyRewrittenSmaller_LeavesNoStaleChunks()
    {
        var (id, holder) = await WriteNewAsync(State(Epoch, body: new string('x', 200 * 1024)));
        var smaller = State(Epoch, body: "small");
        holder.State = smaller;

        await Storage.WriteStateAsync(StateName, GrainIdOf(id), holder);

        AssertSameTask(smaller, (await ReadAsync(id)).State);
    }

    [Theory]
    [InlineData(4 * 1024, 'x')]
    [InlineData(4 * 1024, '<')]
    [InlineData(4 * 1024, '\u00e9')]
    [InlineData(8 * 1024, 'x')]
    [InlineData(8 * 1024, '\u0001')]
    public async Task WriteStateAsync_ResponseBodyAtKeptLimit_RoundTripsAndLists(int bytes, char fill)
    {
        // DeliveryOptions.MaxResponseBodyBytes: the default (4 KiB) and the most it allows (8 KiB). The listing
        // column holds the body JSON-escaped: '<' and non-ASCII characters take six characters each there.
        var state = State(Epoch, status: ScheduledTaskStatus.Completed);
        state.Response = new TaskResponse(200, new string(fill, bytes / Encoding.UTF8.GetByteCount([fill])), null);
        var (id, _) = await WriteNewAsync(state);

        AssertSameTask(state, (await ReadAsync(id)).State);
        Assert.Equal(state.ToSnapshot(id), Assert.Single((await Index.ListAsync(new ListingQuery<ScheduledTaskStatus>(null, null, 10, null))).Items));
    }

    [Fact]
    public async Task WriteStateAsync_ManyTasksWithTheLargestBodyAtOnce_AllLand()
    {
        // The gateway accepts request bodies up to 256 KiB; a transaction of such rows must stay under the 4 MiB
        // request limit once the state is base64-encoded.
        var createdAt = DateTimeOffset.UtcNow;
        var states = Enumerable.Range(0, 40).Select(i => State(createdAt, body: new string((char)('a' + (i % 26)), 256 * 1024))).ToList();
        await WriteNewAsync(State(createdAt.AddDays(-1)));
        var (callsBefore, batchesBefore) = (WriteCalls(), Batches());

        var ids = await WriteAllAsync(states);

        _output.WriteLine($"40 writes of 256 KiB took {WriteCalls() - callsBefore} storage calls, {Batches() - batchesBefore} of them transactions.");

        for (var i = 0; i < ids.Length; i++)
        {
            AssertSameTask(states[i], (await ReadAsync(ids[i])).State);
        }
    }

    [Fact]
    public async Task WriteStateAsync_StateOverTheRowLimit_ThrowsAndStoresNothing()
    {
        var id = IdAt(Epoch);

        await Assert.ThrowsAsync<RowTooLargeException>(
            () => Storage.WriteStateAsync(StateName, GrainIdOf(id), Unsaved(State(Epoch, body: new string('x', 1024 * 1024)))));

        Assert.False((await ReadAsync(id)).RecordExists);
    }

    [Fact]
    public async Task WriteStateAsync_500NewTasksAtOnce_AllAcknowledgedReadableListedAndWritableAgain()
    {
        var start = DateTimeOffset.UtcNow;
        var states = Enumerable.Range(0, 500)
            .Select(i => State(start.AddHours(-(i % 3)).AddMilliseconds(-i), owner: i % 2 == 0 ? "alice" : "bob"))
            .ToList();
        var holders = states.Select(Unsaved).ToList();
        var ids = states.Select(s => IdAt(s.Definition!.CreatedAt)).ToList();
        // One write first, so that the table exists and the burst meets a warm store, as a running silo's would.
        var (warmUpId, _) = await WriteNewAsync(State(start.AddDays(-1)));
        var (callsBefore, batchesBefore) = (WriteCalls(), Batches());

        await Task.WhenAll(ids.Select((id, i) => Storage.WriteStateAsync(StateName, GrainIdOf(id), holders[i])));

        var (calls, batches) = (WriteCalls() - callsBefore, Batches() - batchesBefore);
        _output.WriteLine($"500 writes took {calls} storage calls, {batches} of them transactions.");
        Assert.All(holders, h => Assert.True(h.RecordExists && !string.IsNullOrEmpty(h.ETag), "A write was not acknowledged with an ETag."));
        Assert.True(batches > 0 && calls < 500, $"500 writes at once took {calls} storage calls ({batches} transactions); group commit shared none.");

        var reads = await Task.WhenAll(ids.Select(ReadAsync));
        for (var i = 0; i < ids.Count; i++)
        {
            Assert.True(reads[i].RecordExists, $"Task {i} was acknowledged but cannot be read.");
            Assert.Equal(holders[i].ETag, reads[i].ETag);
            AssertSameTask(states[i], reads[i].State);
        }

        var listed = await ListAllAsync(Index, new ListingQuery<ScheduledTaskStatus>(null, null, 100, null), count => Assert.InRange(count, 1, 100));
        Assert.Equal(ids.Append(warmUpId).Order(), listed.Select(t => t.Id).Order());
        Assert.Equal(listed.OrderByDescending(t => t.CreatedAt).Select(t => t.Id), listed.Select(t => t.Id));
        Assert.Equal(250, (await ListAllAsync(Index, new ListingQuery<ScheduledTaskStatus>("bob", null, 1000, null), _ => { })).Count);

        // The ETags the batches handed back must be the rows' real ones: every task can be written again with its own.
        foreach (var holder in holders)
        {
            holder.State!.Status = ScheduledTaskStatus.Completed;
        }

        await Task.WhenAll(ids.Select((id, i) => Storage.WriteStateAsync(StateName, GrainIdOf(id), holders[i])));
        Assert.Equal(500, (await ListAllAsync(Index, new ListingQuery<ScheduledTaskStatus>(null, ScheduledTaskStatus.Completed, 1000, null), _ => { })).Count);
    }

    [Fact]
    public async Task WriteStateAsync_StaleWriteBatchedWithGoodOnes_FailsAloneAndTheOthersLand()
    {
        // Whether the stale write shares a transaction depends on timing: a round where it went out alone (a PUT)
        // proves nothing about batching, so rounds repeat until one did share.
        for (var round = 0; round < 10; round++)
        {
            var createdAt = DateTimeOffset.UtcNow;
            var (staleId, current) = await WriteNewAsync(State(createdAt, owner: "stale"));
            var stale = await ReadAsync(staleId);
            current.State!.Status = ScheduledTaskStatus.Cancelled;
            await Storage.WriteStateAsync(StateName, GrainIdOf(staleId), current);
            stale.State!.Status = ScheduledTaskStatus.Running;

            var good = Enumerable.Range(0, 60).Select(_ => (Id: IdAt(createdAt), Holder: Unsaved(State(createdAt, owner: "good")))).ToList();
            var putsBefore = Calls("PUT");
            var goodWrites = good.Take(30).Select(g => Storage.WriteStateAsync(StateName, GrainIdOf(g.Id), g.Holder)).ToList();
            var staleWrite = Storage.WriteStateAsync(StateName, GrainIdOf(staleId), stale);
            goodWrites.AddRange(good.Skip(30).Select(g => Storage.WriteStateAsync(StateName, GrainIdOf(g.Id), g.Holder)));

            await Assert.ThrowsAsync<InconsistentStateException>(() => staleWrite);
            await Task.WhenAll(goodWrites);
            var batched = Calls("PUT") == putsBefore;

            foreach (var (id, _) in good)
            {
                Assert.True((await ReadAsync(id)).RecordExists, "A good write batched with a stale one did not land.");
            }

            Assert.Equal(ScheduledTaskStatus.Cancelled, (await ReadAsync(staleId)).State!.Status);
            if (batched)
            {
                _output.WriteLine($"The stale write shared a transaction in round {round + 1}.");
                return;
            }
        }

        Assert.Fail("In 10 rounds the stale write never shared a transaction with the good ones.");
    }

    [Fact]
    public async Task WriteStateAsync_SameNewTaskTwiceAtOnce_OneWinsTheOtherConflicts()
    {
        var id = IdAt(DateTimeOffset.UtcNow);
        var first = Unsaved(State(Epoch, owner: "first"));
        var second = Unsaved(State(Epoch, owner: "second"));

        var writes = new[] { first, second }.Select(h => Storage.WriteStateAsync(StateName, GrainIdOf(id), h)).ToList();
        var outcomes = await Task.WhenAll(writes.Select(async Task<Exception?> (w) =>
        {
            try
            {
                await w;
                return null;
            }
            catch (InconsistentStateException e)
            {
                return e;
            }
        }));

        Assert.Single(outcomes, o => o is null);
        var winner = outcomes[0] is null ? "first" : "second";
        Assert.Equal(winner, (await ReadAsync(id)).State!.Definition!.Owner);
    }

    [Fact]
    public async Task ReadStateAsync_IdMintedHere_FirstReadSkipsStorageLaterOnesDoNot()
    {
        var id = _minter.Mint(DateTimeOffset.UtcNow);
        var before = StorageCallCounter.Instance.Total;

        var first = await ReadAsync(id);

        Assert.False(first.RecordExists);
        Assert.Null(first.ETag);
        Assert.Equal(before, StorageCallCounter.Instance.Total);

        var second = await ReadAsync(id);

        Assert.False(second.RecordExists);
        Assert.True(StorageCallCounter.Instance.Total > before, "The second read of a minted id did not go to storage.");
    }

    [Fact]
    public async Task ReadStateAsync_IdMintedHereThenWritten_NextReadFindsIt()
    {
        // The gateway's path: mint, activate (no read), schedule (first write), and later activations read it.
        var state = State(DateTimeOffset.UtcNow);
        var id = _minter.Mint(state.Definition!.CreatedAt);
        var activation = await ReadAsync(id);
        activation.State = state;

        await Storage.WriteStateAsync(StateName, GrainIdOf(id), activation);

        var later = await ReadAsync(id);
        Assert.True(later.RecordExists);
        Assert.Equal(activation.ETag, later.ETag);
        AssertSameTask(state, later.State);
    }

    [Fact]
    public async Task ReadStateAsync_IdMintedOverAMinuteAgo_ReadsStorage()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var minter = new TaskIdMinter(time);
        await using var store = NewStore(minter);
        var state = State(time.GetUtcNow());
        var id = minter.Mint(state.Definition!.CreatedAt);
        await store.WriteStateAsync(StateName, GrainIdOf(id), Unsaved(state));
        time.Advance(TimeSpan.FromMinutes(1));

        var read = Empty();
        await store.ReadStateAsync(StateName, GrainIdOf(id), read);

        Assert.True(read.RecordExists, "A minted id was still trusted as new a minute later.");
        AssertSameTask(state, read.State);
    }

    private AzureTaskStorage NewStore(TaskIdMinter minter) =>
        new(StorageClients.CreateTableServiceClient(_azurite.ConnectionString), _table, Serializer, minter);

    /// <summary>Calls with this HTTP method to this test's table: single-row writes and reads (not batches).</summary>
    private long Calls(string method) => StorageCallCounter.Instance.Snapshot().GetValueOrDefault($"{method} {_table}");

    /// <summary>Calls that write rows of this test's table: batches, single-row inserts and single-row updates.</summary>
    private long WriteCalls() => Calls("POST") + Calls("PUT") + Batches();

    /// <summary>Entity-group transactions sent.</summary>
    private static long Batches() => StorageCallCounter.Instance.Snapshot().GetValueOrDefault("POST $batch");
}
