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
    private readonly Dictionary<Guid, DateTimeOffset?> _orchestrations = [];
    private readonly List<Guid> _asked = [];
    private readonly List<(ExpiryKind Kind, Guid Id)> _askedKinds = [];
    private int _failAfter = int.MaxValue;
    private Func<ExpiryEntry, Task>? _afterAsked;

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

    [Fact]
    public async Task RunAsync_TasksAndOrchestrationsDue_AsksEachOfItsOwnKindAndRemovesBoth()
    {
        var tasks = await AddAsync(3, TimeSpan.FromSeconds(1));
        var orchestrations = await AddOrchestrationsAsync(2, TimeSpan.FromSeconds(1));
        _time.Advance(TimeSpan.FromSeconds(15));

        var result = await Sweep().RunAsync();

        Assert.Equal(new SweepResult(5, 5, 0, 0, More: false), result);
        Assert.Equal(tasks.Select(id => (ExpiryKind.Task, id)).Concat(orchestrations.Select(id => (ExpiryKind.Orchestration, id))).Order(), _askedKinds.Order());
        Assert.Empty(_tasks);
        Assert.Empty(_orchestrations);
        Assert.Equal(0, _index.Count);
    }

    [Fact]
    public async Task RunAsync_OrchestrationRetriedSinceItsRowWasFiled_DropsTheStaleRowAndKeepsTheOrchestration()
    {
        var retried = (await AddOrchestrationsAsync(1, TimeSpan.FromSeconds(1)))[0];
        var expired = (await AddOrchestrationsAsync(1, TimeSpan.FromSeconds(1)))[0];
        _orchestrations[retried] = null;
        _time.Advance(TimeSpan.FromSeconds(15));

        var result = await Sweep().RunAsync();

        Assert.Equal(new SweepResult(2, 1, 0, 0, More: false, Stale: 1), result);
        Assert.True(_orchestrations.ContainsKey(retried));
        Assert.False(_orchestrations.ContainsKey(expired));
        Assert.Equal(0, _index.Count);

        // Finished again: its new row removes it when that one is due.
        _orchestrations[retried] = _time.GetUtcNow() + TimeSpan.FromSeconds(5);
        await _index.AddAsync(ExpiryKind.Orchestration, retried, _time.GetUtcNow() + TimeSpan.FromSeconds(5));
        _time.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal(new SweepResult(1, 1, 0, 0, More: false), await Sweep().RunAsync());
        Assert.Empty(_orchestrations);
    }

    [Fact]
    public async Task RunAsync_StaleRowFiledAgainInTheSameBucketWhileAsked_KeepsTheNewRow()
    {
        // Start is on a bucket's edge: the old row (due at +1 s) and the new one (due at +7 s) share the bucket and the key.
        var retried = (await AddOrchestrationsAsync(1, TimeSpan.FromSeconds(1)))[0];
        _orchestrations[retried] = null;
        _time.Advance(TimeSpan.FromSeconds(2));
        _afterAsked = async entry =>
        {
            // Answered Stale (running again), then it finished again and filed its new row before the sweep deleted the old.
            _orchestrations[entry.Id] = _time.GetUtcNow() + TimeSpan.FromSeconds(5);
            await _index.AddAsync(ExpiryKind.Orchestration, entry.Id, _time.GetUtcNow() + TimeSpan.FromSeconds(5));
        };

        Assert.Equal(new SweepResult(1, 0, 0, 0, More: false, Stale: 1), await Sweep().RunAsync());
        Assert.Equal(1, _index.Count);

        _afterAsked = null;
        _time.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal(new SweepResult(1, 1, 0, 0, More: false), await Sweep().RunAsync());
        Assert.Empty(_orchestrations);
        Assert.Equal(0, _index.Count);
    }

    [Fact]
    public async Task RunAsync_TaskAndOrchestrationWithTheSameIdDue_KeepsTheirRowsApart()
    {
        var id = Guid.NewGuid();
        _tasks[id] = (_time.GetUtcNow(), false);
        _orchestrations[id] = _time.GetUtcNow();
        await _index.AddAsync(ExpiryKind.Task, id, _time.GetUtcNow());
        await _index.AddAsync(ExpiryKind.Orchestration, id, _time.GetUtcNow());
        Assert.Equal(2, _index.Count);
        _time.Advance(TimeSpan.FromSeconds(15));

        Assert.Equal(new SweepResult(2, 2, 0, 0, More: false), await Sweep().RunAsync());
        Assert.Equal(0, _index.Count);
    }

    private RetentionSweep Sweep(int batch = 100, int parallelism = 4) =>
        new(_index, ExpireAsync, _time, new RetentionOptions { SweepBatch = batch, SweepParallelism = parallelism });

    private Task<ExpiryOutcome> ExpireAsync(ExpiryEntry entry)
    {
        lock (_tasks)
        {
            _askedKinds.Add((entry.Kind, entry.Id));
        }

        return AnswerAsync(entry);
    }

    private async Task<ExpiryOutcome> AnswerAsync(ExpiryEntry entry)
    {
        var outcome = await (entry.Kind == ExpiryKind.Orchestration ? ExpireOrchestrationAsync(entry.Id) : ExpireTaskAsync(entry.Id));
        if (_afterAsked is { } after)
        {
            await after(entry);
        }

        return outcome;
    }

    // Stands in for the orchestration grain: Stale when it is not finished (retried) or expires later, else removed.
    private Task<ExpiryOutcome> ExpireOrchestrationAsync(Guid id)
    {
        lock (_tasks)
        {
            if (!_orchestrations.TryGetValue(id, out var expiresAt))
            {
                return Task.FromResult(ExpiryOutcome.Gone);
            }

            if (expiresAt is not { } at || at > _time.GetUtcNow())
            {
                return Task.FromResult(ExpiryOutcome.Stale);
            }

            _orchestrations.Remove(id);
            return Task.FromResult(ExpiryOutcome.Removed);
        }
    }

    // Stands in for the task grain: removes a task past its time that owes no callback; fails after _failAfter removals.
    private Task<ExpiryOutcome> ExpireTaskAsync(Guid id)
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
            await _index.AddAsync(ExpiryKind.Task, id, _time.GetUtcNow() + expiresIn);
        }

        return ids;
    }

    private async Task<Guid[]> AddOrchestrationsAsync(int count, TimeSpan expiresIn)
    {
        var ids = Enumerable.Range(0, count).Select(_ => Guid.NewGuid()).ToArray();
        foreach (var id in ids)
        {
            _orchestrations[id] = _time.GetUtcNow() + expiresIn;
            await _index.AddAsync(ExpiryKind.Orchestration, id, _time.GetUtcNow() + expiresIn);
        }

        return ids;
    }
}
