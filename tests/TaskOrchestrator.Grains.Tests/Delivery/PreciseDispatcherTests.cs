using TaskOrchestrator.Delivery;

namespace TaskOrchestrator.Grains.Tests.Delivery;

public sealed class PreciseDispatcherTests : IDisposable
{
    private readonly PreciseDispatcher _dispatcher = new(TimeProvider.System);

    [Fact]
    public async Task RunAtAsync_ManyDueTimes_StartsEachAtOrAfterItsInstant()
    {
        var start = DateTimeOffset.UtcNow.AddMilliseconds(50);

        // Handed over in reverse, so that each new one is the earliest and the dispatcher has to re-plan.
        var due = Enumerable.Range(0, 200).Select(i => start.AddMilliseconds(i * 3)).Reverse().ToList();
        var runs = due.Select(d => _dispatcher.RunAtAsync(d, () => (Due: d, StartedAt: DateTimeOffset.UtcNow))).ToList();

        var results = await Task.WhenAll(runs).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.All(results, r => Assert.True(r.StartedAt >= r.Due, $"Started at {r.StartedAt:O}, before {r.Due:O}"));
        Assert.All(results, r => Assert.True(r.StartedAt - r.Due < TimeSpan.FromSeconds(2), $"Started {(r.StartedAt - r.Due).TotalMilliseconds} ms late"));
        Assert.Equal(_dispatcher.OnTimeHandOvers, results.Length);
    }

    [Fact]
    public async Task RunAtAsync_PastDueTime_RunsAtOnceAndCountsItLate()
    {
        var result = await _dispatcher.RunAtAsync(DateTimeOffset.UtcNow.AddSeconds(-1), () => 42);

        Assert.Equal(42, result);
        Assert.Equal(1, _dispatcher.LateHandOvers);
        Assert.Equal(0, _dispatcher.OnTimeHandOvers);
    }

    [Fact]
    public async Task RunAtAsync_WorkThrows_TheCallerSeesTheException()
    {
        var failing = _dispatcher.RunAtAsync<int>(DateTimeOffset.UtcNow.AddMilliseconds(20), () => throw new InvalidOperationException("boom"));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => failing);
        Assert.Equal("boom", error.Message);
    }

    [Fact]
    public async Task Dispose_WithWorkPending_AbandonsItRatherThanStartingItEarly()
    {
        var started = false;
        var pending = _dispatcher.RunAtAsync(DateTimeOffset.UtcNow.AddMinutes(10), () =>
        {
            started = true;
            return "ran";
        });

        _dispatcher.Dispose();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.False(started, "Pending work was started before its due time.");
    }

    public void Dispose() => _dispatcher.Dispose();
}
