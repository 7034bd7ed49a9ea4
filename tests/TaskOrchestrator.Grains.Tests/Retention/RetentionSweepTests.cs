using Microsoft.Extensions.Time.Testing;
using TaskOrchestrator.Retention;

namespace TaskOrchestrator.Grains.Tests.Retention;

/// <summary>The retention sweep's passes over an in-memory expiry index and a stand-in for the tasks, on a fake clock.</summary>
public sealed class RetentionSweepTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Start);
    private readonly InMemoryExpiryIndex _index = new();
    private readonly Dictionary<Guid, (DateTimeOffset ExpiresAt, bool CallbackOwed)> _tasks = [];
    private readonly List<Guid> _asked = [];
    private int _failAfter = int.MaxValue;

    [Fact]
    public async Task RunAsync_SomeDue_RemovesExactlyTheDueTasksAndTheirRows()
    {
        var due = await AddAsync(5, TimeSpan.FromSeconds(1));
        var later = await AddAsync(3, TimeSpan.FromMinutes(5));
        _time.Advance(TimeSpan.FromSeconds(30));

        var result = await Sweep().RunAsync();

        Assert.Equal(new SweepResult(5, 5, 0, 0, More: false), result);
        Assert.Equal(due.Order(), _asked.Order());
        Assert.All(due, id => Assert.False(_tasks.ContainsKey(id)));
        Assert.All(later, id => Assert.True(_tasks.ContainsKey(id)));
        Assert.Equal(3, _index.Count);
    }

    [Fact]
    public async Task RunAsync_NothingDue_AsksNoTask()
    {
        await AddAsync(4, TimeSpan.FromSeconds(20));
        _time.Advance(TimeSpan.FromSeconds(19));

        var result = await Sweep().RunAsync();

        Assert.Equal(new SweepResult(0, 0, 0, 0, More: false), result);
        Assert.Empty(_asked);
    }

    [Fact]
    public async Task RunAsync_StoppedAfterSomeDeletes_NextRunRemovesTheRestWithoutError()
    {
        var ids = await AddAsync(10, TimeSpan.FromSeconds(1));
        _time.Advance(TimeSpan.FromSeconds(15));
        _failAfter = 4;

        // The pass stops midway, like a node dying: some tasks are gone, none of the rows is deleted.
        await Assert.ThrowsAsync<IOException>(() => Sweep(parallelism: 1).RunAsync());
        Assert.Equal(4, ids.Count(id => !_tasks.ContainsKey(id)));
        Assert.Equal(10, _index.Count);

        _failAfter = int.MaxValue;
        var result = await Sweep().RunAsync();

        Assert.Equal(new SweepResult(10, 6, 4, 0, More: false), result);
        Assert.Empty(_tasks);
        Assert.Equal(0, _index.Count);
    }

    [Fact]
    public async Task RunAsync_TaskKept_KeepsItsRowForALaterPass()
    {
        var kept = (await AddAsync(1, TimeSpan.FromSeconds(1), callbackOwed: true))[0];
        _time.Advance(TimeSpan.FromSeconds(15));

        Assert.Equal(new SweepResult(1, 0, 0, 1, More: false), await Sweep().RunAsync());
        Assert.True(_tasks.ContainsKey(kept));
        Assert.Equal(1, _index.Count);

        _tasks[kept] = (_tasks[kept].ExpiresAt, false);
        Assert.Equal(new SweepResult(1, 1, 0, 0, More: false), await Sweep().RunAsync());
        Assert.Equal(0, _index.Count);
    }

    [Fact]
    public async Task RunAsync_MoreDueThanABatch_SaysSoAndTheNextPassGoesOn()
    {
        await AddAsync(7, TimeSpan.FromSeconds(1));
        _time.Advance(TimeSpan.FromSeconds(15));

        Assert.Equal(new SweepResult(5, 5, 0, 0, More: true), await Sweep(batch: 5).RunAsync());
        Assert.Equal(new SweepResult(2, 2, 0, 0, More: false), await Sweep(batch: 5).RunAsync());
        Assert.Empty(_tasks);
    }

    private RetentionSweep Sweep(int batch = 100, int parallelism = 4) =>
        new(_index, ExpireAsync, _time, new RetentionOptions { SweepBatch = batch, SweepParallelism = parallelism });

    // Stands in for the task grain: removes a task past its time that owes no callback; fails after _failAfter removals.
    private Task<ExpiryOutcome> ExpireAsync(Guid id)
    {
        lock (_tasks)
        {
            _asked.Add(id);
            if (!_tasks.TryGetValue(id, out var task))
            {
                return Task.FromResult(ExpiryOutcome.Gone);
            }

            if (task.ExpiresAt > _time.GetUtcNow() || task.CallbackOwed)
            {
                return Task.FromResult(ExpiryOutcome.Kept);
            }

            if (_failAfter-- <= 0)
            {
                throw new IOException("The node died mid-sweep.");
            }

            _tasks.Remove(id);
            return Task.FromResult(ExpiryOutcome.Removed);
        }
    }

    private async Task<Guid[]> AddAsync(int count, TimeSpan expiresIn, bool callbackOwed = false)
    {
        var ids = Enumerable.Range(0, count).Select(_ => Guid.NewGuid()).ToArray();
        foreach (var id in ids)
        {
            _tasks[id] = (_time.GetUtcNow() + expiresIn, callbackOwed);
            await _index.AddAsync(id, _time.GetUtcNow() + expiresIn);
        }

        return ids;
    }
}
