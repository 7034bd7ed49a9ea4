using Orleans;
using Orleans.Storage;
using TaskOrchestrator.Indexing;
using TaskOrchestrator.Listing;
using TaskOrchestrator.Tasks;
using static TaskOrchestrator.Grains.Tests.Storage.StoredTasks;

namespace TaskOrchestrator.Grains.Tests.Storage;

/// <summary>
/// What every task store promises, whatever keeps the rows: grain state with optimistic concurrency, and listings of
/// the same rows. Each derived class runs these against its own store, empty at the start of each test.
/// </summary>
public abstract class TaskStoreContractTests
{
    /// <summary>The state name the task grain passes; the stores ignore it.</summary>
    protected const string StateName = "task";

    /// <summary>The store under test, as grains see it.</summary>
    protected abstract IGrainStorage Storage { get; }

    /// <summary>The same store, as the listing endpoint sees it.</summary>
    protected abstract ITaskIndex Index { get; }

    [Fact]
    public async Task WriteStateAsync_ThenReadIntoFreshHolder_ReturnsTheSameState()
    {
        var state = State(Epoch, owner: "bob", status: ScheduledTaskStatus.Completed, body: """{"n":1}""");
        state.AttemptsStarted = 2;
        state.StartedAt = Epoch.AddMinutes(5);
        state.FinishedAt = Epoch.AddMinutes(6);
        state.Response = new TaskResponse(200, "ok €", null);
        var (id, written) = await WriteNewAsync(state);

        var read = await ReadAsync(id);

        Assert.True(read.RecordExists);
        Assert.Equal(written.ETag, read.ETag);
        AssertSameTask(state, read.State);
    }

    [Fact]
    public async Task WriteStateAsync_NewTask_SetsETagAndRecordExists()
    {
        var holder = Unsaved(State(Epoch));

        await Storage.WriteStateAsync(StateName, GrainIdOf(IdAt(Epoch)), holder);

        Assert.True(holder.RecordExists);
        Assert.False(string.IsNullOrEmpty(holder.ETag), "A write left no ETag.");
    }

    [Fact]
    public async Task WriteStateAsync_StateChangedAfterWrite_StoreKeepsWhatWasWritten()
    {
        var (id, written) = await WriteNewAsync(State(Epoch));

        written.State!.Status = ScheduledTaskStatus.Failed;

        Assert.Equal(ScheduledTaskStatus.Scheduled, (await ReadAsync(id)).State!.Status);
    }

    [Fact]
    public async Task WriteStateAsync_SuccessiveWritesWithTheirETags_EachSucceedsWithNewETag()
    {
        var (id, holder) = await WriteNewAsync(State(Epoch));
        var etags = new List<string?> { holder.ETag };

        foreach (var status in new[] { ScheduledTaskStatus.Running, ScheduledTaskStatus.Completed })
        {
            holder.State!.Status = status;
            await Storage.WriteStateAsync(StateName, GrainIdOf(id), holder);
            etags.Add(holder.ETag);
        }

        Assert.Equal(etags.Count, etags.Distinct().Count());
        var read = await ReadAsync(id);
        Assert.Equal(ScheduledTaskStatus.Completed, read.State!.Status);
        Assert.Equal(holder.ETag, read.ETag);
    }

    [Fact]
    public async Task WriteStateAsync_StaleETag_ThrowsInconsistentStateAndKeepsTheNewerState()
    {
        var (id, _) = await WriteNewAsync(State(Epoch));
        var first = await ReadAsync(id);
        var second = await ReadAsync(id);
        first.State!.Status = ScheduledTaskStatus.Cancelled;
        await Storage.WriteStateAsync(StateName, GrainIdOf(id), first);

        second.State!.Status = ScheduledTaskStatus.Running;
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync(StateName, GrainIdOf(id), second));

        Assert.Equal(ScheduledTaskStatus.Cancelled, (await ReadAsync(id)).State!.Status);
    }

    [Fact]
    public async Task WriteStateAsync_NoETagOnExistingRow_ThrowsInconsistentState()
    {
        // Two activations that both believe the task new: the second must not overwrite the first.
        var (id, _) = await WriteNewAsync(State(Epoch, owner: "first"));

        await Assert.ThrowsAsync<InconsistentStateException>(
            () => Storage.WriteStateAsync(StateName, GrainIdOf(id), Unsaved(State(Epoch, owner: "second"))));

        Assert.Equal("first", (await ReadAsync(id)).State!.Definition!.Owner);
    }

    [Fact]
    public async Task WriteStateAsync_ETagOnMissingRow_ThrowsInconsistentState()
    {
        var (id, holder) = await WriteNewAsync(State(Epoch));
        await Storage.ClearStateAsync(StateName, GrainIdOf(id), await ReadAsync(id));

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync(StateName, GrainIdOf(id), holder));
    }

    [Fact]
    public async Task ReadStateAsync_UnknownId_RecordDoesNotExist()
    {
        var holder = await ReadAsync(IdAt(Epoch));

        Assert.False(holder.RecordExists);
        Assert.Null(holder.ETag);
    }

    [Fact]
    public async Task ClearStateAsync_WrittenTask_RemovesItFromReadsAndListings()
    {
        var (id, holder) = await WriteNewAsync(State(Epoch));
        var (keptId, _) = await WriteNewAsync(State(Epoch.AddSeconds(1)));

        await Storage.ClearStateAsync(StateName, GrainIdOf(id), holder);

        Assert.False(holder.RecordExists);
        Assert.Null(holder.ETag);
        Assert.False((await ReadAsync(id)).RecordExists);
        Assert.Equal(keptId, Assert.Single((await Index.ListAsync(new ListingQuery<ScheduledTaskStatus>(null, null, 10, null))).Items).Id);
    }

    [Fact]
    public async Task ClearStateAsync_ThenWriteAsNew_Succeeds()
    {
        var (id, holder) = await WriteNewAsync(State(Epoch, owner: "first"));
        await Storage.ClearStateAsync(StateName, GrainIdOf(id), holder);

        await Storage.WriteStateAsync(StateName, GrainIdOf(id), Unsaved(State(Epoch, owner: "second")));

        Assert.Equal("second", (await ReadAsync(id)).State!.Definition!.Owner);
    }

    [Fact]
    public async Task ListAsync_TasksWrittenInAnyOrder_ReturnsNewestFirst()
    {
        var createdAts = Enumerable.Range(0, 10).Select(i => Epoch.AddMinutes(i * 17)).ToList();
        foreach (var createdAt in createdAts.OrderBy(_ => Guid.NewGuid()))
        {
            await WriteNewAsync(State(createdAt));
        }

        var page = await Index.ListAsync(new ListingQuery<ScheduledTaskStatus>(null, null, 100, null));

        Assert.Equal(createdAts.OrderDescending(), page.Items.Select(t => t.CreatedAt));
        Assert.Null(page.Next);
    }

    [Fact]
    public async Task ListAsync_AfterLaterWrites_ShowsEachTaskOnceAsLastWritten()
    {
        var (id, holder) = await WriteNewAsync(State(Epoch));
        holder.State!.Status = ScheduledTaskStatus.Completed;
        holder.State.AttemptsStarted = 1;
        holder.State.Response = new TaskResponse(204, null, null);
        await Storage.WriteStateAsync(StateName, GrainIdOf(id), holder);

        var row = Assert.Single((await Index.ListAsync(new ListingQuery<ScheduledTaskStatus>(null, null, 100, null))).Items);

        Assert.Equal(holder.State.ToSnapshot(id), row);
        Assert.Empty((await Index.ListAsync(new ListingQuery<ScheduledTaskStatus>(null, ScheduledTaskStatus.Scheduled, 100, null))).Items);
        Assert.Equal(id, Assert.Single((await Index.ListAsync(new ListingQuery<ScheduledTaskStatus>(null, ScheduledTaskStatus.Completed, 100, null))).Items).Id);
    }

    [Fact]
    public async Task ListAsync_OwnerFilter_ReturnsOnlyThatOwnersTasks()
    {
        await WriteAllAsync(Enumerable.Range(0, 9).Select(i => State(Epoch.AddSeconds(i), owner: i % 3 == 0 ? "bob" : "alice")));

        var page = await Index.ListAsync(new ListingQuery<ScheduledTaskStatus>("bob", null, 100, null));

        Assert.Equal([Epoch.AddSeconds(6), Epoch.AddSeconds(3), Epoch], page.Items.Select(t => t.CreatedAt));
        Assert.All(page.Items, t => Assert.Equal("bob", t.Owner));
        Assert.Null(page.Next);
    }

    [Fact]
    public async Task ListAsync_StatusFilter_ReturnsOnlyTasksInThatStatus()
    {
        var statuses = Enum.GetValues<ScheduledTaskStatus>();
        await WriteAllAsync(Enumerable.Range(0, 15).Select(i => State(Epoch.AddSeconds(i), status: statuses[i % statuses.Length])));

        var page = await Index.ListAsync(new ListingQuery<ScheduledTaskStatus>(null, ScheduledTaskStatus.Failed, 100, null));

        Assert.Equal(3, page.Items.Count);
        Assert.All(page.Items, t => Assert.Equal(ScheduledTaskStatus.Failed, t.Status));
    }

    [Fact]
    public async Task ListAsync_OwnerAndStatusFilter_ReturnsOnlyTasksMatchingBoth()
    {
        var ids = await WriteAllAsync(
        [
            State(Epoch, "alice", ScheduledTaskStatus.Completed),
            State(Epoch.AddSeconds(1), "bob", ScheduledTaskStatus.Completed),
            State(Epoch.AddSeconds(2), "bob", ScheduledTaskStatus.Scheduled),
        ]);

        var page = await Index.ListAsync(new ListingQuery<ScheduledTaskStatus>("bob", ScheduledTaskStatus.Completed, 100, null));

        Assert.Equal(ids[1], Assert.Single(page.Items).Id);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(7)]
    [InlineData(23)]
    public async Task ListAsync_FollowingNextCursor_ReturnsEveryTaskExactlyOnceNewestFirst(int limit)
    {
        // Some share a millisecond and some an hour's partition: the id must break ties, and pages cross partitions.
        var ids = await WriteAllAsync(Enumerable.Range(0, 23).Select(i => State(Epoch.AddMinutes(i / 3 * 25))));

        var seen = await ListAllAsync(Index, new ListingQuery<ScheduledTaskStatus>(null, null, limit, null), count => Assert.InRange(count, 1, limit));

        Assert.Equal(ids.Order(), seen.Select(t => t.Id).Order());
        Assert.Equal(seen.OrderByDescending(t => t.CreatedAt).Select(t => t.Id), seen.Select(t => t.Id));
    }

    [Fact]
    public async Task ListAsync_FollowingNextCursorWithOwnerFilter_ReturnsEveryOwnedTaskExactlyOnce()
    {
        var states = Enumerable.Range(0, 20).Select(i => State(Epoch.AddMinutes(i * 10), owner: i % 2 == 0 ? "alice" : "bob")).ToList();
        var ids = await WriteAllAsync(states);

        var seen = await ListAllAsync(Index, new ListingQuery<ScheduledTaskStatus>("bob", null, 3, null), count => Assert.InRange(count, 1, 3));

        Assert.Equal(
            ids.Zip(states).Where(p => p.Second.Definition!.Owner == "bob").OrderByDescending(p => p.Second.Definition!.CreatedAt).Select(p => p.First),
            seen.Select(t => t.Id));
    }

    [Fact]
    public async Task ListAsync_PageExactlyFull_HasNoNextCursor()
    {
        await WriteAllAsync(Enumerable.Range(0, 4).Select(i => State(Epoch.AddSeconds(i))));

        var page = await Index.ListAsync(new ListingQuery<ScheduledTaskStatus>(null, null, 4, null));

        Assert.Equal(4, page.Items.Count);
        Assert.Null(page.Next);
    }

    [Fact]
    public async Task ListAsync_EmptyStore_ReturnsEmptyPage()
    {
        var page = await Index.ListAsync(new ListingQuery<ScheduledTaskStatus>(null, null, 10, null));

        Assert.Empty(page.Items);
        Assert.Null(page.Next);
    }

    /// <summary>Writes <paramref name="state"/> as a new task whose id carries its creation time.</summary>
    protected async Task<(Guid Id, GrainState<TaskGrainState> Holder)> WriteNewAsync(TaskGrainState state)
    {
        var id = IdAt(state.Definition!.CreatedAt);
        var holder = Unsaved(state);
        await Storage.WriteStateAsync(StateName, GrainIdOf(id), holder);
        return (id, holder);
    }

    /// <summary>Writes each state as a new task, all at once; returns their ids in the same order.</summary>
    protected async Task<Guid[]> WriteAllAsync(IEnumerable<TaskGrainState> states) =>
        await Task.WhenAll(states.Select(async s => (await WriteNewAsync(s)).Id));

    /// <summary>What the store holds for <paramref name="id"/>, read the way an activation reads it.</summary>
    protected async Task<GrainState<TaskGrainState>> ReadAsync(Guid id)
    {
        var holder = Empty();
        await Storage.ReadStateAsync(StateName, GrainIdOf(id), holder);
        return holder;
    }

    /// <summary>Asserts that <paramref name="actual"/> holds every field of <paramref name="expected"/>.</summary>
    protected static void AssertSameTask(TaskGrainState expected, TaskGrainState? actual)
    {
        Assert.NotNull(actual);
        Assert.NotNull(actual.Definition);
        Assert.Equal(expected.Definition! with { Headers = null }, actual.Definition with { Headers = null });
        Assert.Equal(expected.Definition.Headers, actual.Definition.Headers);
        Assert.Equal(expected.Status, actual.Status);
        Assert.Equal(expected.DueAt, actual.DueAt);
        Assert.Equal(expected.AttemptsStarted, actual.AttemptsStarted);
        Assert.Equal(expected.StartedAt, actual.StartedAt);
        Assert.Equal(expected.FinishedAt, actual.FinishedAt);
        Assert.Equal(expected.Response, actual.Response);
    }
}
