using Microsoft.Extensions.Time.Testing;
using TaskOrchestrator.Server.Telemetry;

namespace TaskOrchestrator.Server.Tests.Telemetry;

public sealed class RecentActivityTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Last_CountsEachSecondApart_AndLeavesOutTheSecondUnderWay()
    {
        var time = new FakeTimeProvider(Start);
        using var activity = new RecentActivity(time);
        activity.RecordFired(3);
        activity.RecordSucceeded();
        time.Advance(TimeSpan.FromSeconds(1));
        activity.RecordFailed(2);
        time.Advance(TimeSpan.FromSeconds(1));
        activity.RecordFired(); // under way: not shown

        var points = activity.Last(3);

        Assert.Equal([Start.AddSeconds(-1), Start, Start.AddSeconds(1)], points.Select(p => p.At));
        Assert.Equal([0L, 3, 0], points.Select(p => p.Fired));
        Assert.Equal([0L, 1, 0], points.Select(p => p.Succeeded));
        Assert.Equal([0L, 0, 2], points.Select(p => p.Failed));
    }

    [Fact]
    public void Last_SecondsOlderThanTheWindow_AreForgotten()
    {
        var time = new FakeTimeProvider(Start);
        using var activity = new RecentActivity(time);
        activity.RecordFired(5);
        time.Advance(TimeSpan.FromSeconds(RecentActivity.WindowSeconds));
        activity.RecordFired(); // the same slot of the ring, a window later
        time.Advance(TimeSpan.FromSeconds(1));

        var points = activity.Last(RecentActivity.WindowSeconds);

        Assert.Equal(1, points.Sum(p => p.Fired));
        Assert.Equal(1, points[^1].Fired);
    }

    [Fact]
    public void Lateness_QuantilesInterpolateWithinTheirBucket_NoneWhenNothingStarted()
    {
        var time = new FakeTimeProvider(Start);
        using var activity = new RecentActivity(time);
        foreach (var ms in Enumerable.Repeat(0.1, 98).Append(40).Append(40))
        {
            activity.RecordLateness(ms);
        }

        time.Advance(TimeSpan.FromSeconds(1));
        var points = activity.Last(2);

        Assert.Null(points[0].LatenessP50Ms);
        Assert.Null(points[0].LatenessP99Ms);

        // 98 of 100 in (0, 0.25]: the median is half way in; the 99th is one of the two in (25, 50], half way in.
        Assert.Equal(0.128, points[1].LatenessP50Ms);
        Assert.Equal(37.5, points[1].LatenessP99Ms);
    }

    [Fact]
    public void Last_OutsideOneToTheWindow_Throws()
    {
        using var activity = new RecentActivity(new FakeTimeProvider(Start));
        Assert.Throws<ArgumentOutOfRangeException>(() => activity.Last(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => activity.Last(RecentActivity.WindowSeconds + 1));
    }
}
