using TaskOrchestrator.Schedules;

namespace TaskOrchestrator.Grains.Tests.Schedules;

/// <summary>When occurrences fall: cron in real time zones across daylight saving time changes, intervals, bounds.</summary>
public sealed class CadenceTests
{
    private static readonly DateTimeOffset Anchor = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Next_WeekdaysAtNineInBerlin_FiresAtNineLocalWithTheZonesOffset()
    {
        var cadence = Parse("0 9 * * 1-5", "Europe/Berlin");

        var runs = cadence.Upcoming(new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero), 3);

        // Friday Dec 4 after noon UTC: next Monday, Tuesday, Wednesday at 09:00 CET (+01:00).
        Assert.Equal(
            [new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.FromHours(1)), new DateTimeOffset(2026, 12, 8, 9, 0, 0, TimeSpan.FromHours(1)), new DateTimeOffset(2026, 12, 9, 9, 0, 0, TimeSpan.FromHours(1))],
            runs);
        Assert.All(runs, r => Assert.Equal(TimeSpan.FromHours(1), r.Offset));
    }

    [Fact]
    public void Next_SpringForwardGapInBerlin_TimeThatDoesNotExistFiresOnceAtTheFirstInstantAfterTheGap()
    {
        // 2026-03-29: Berlin jumps from 02:00 to 03:00; 02:30 does not exist that day.
        var cadence = Parse("30 2 * * *", "Europe/Berlin");

        var runs = cadence.Upcoming(new DateTimeOffset(2026, 3, 28, 12, 0, 0, TimeSpan.Zero), 3);

        Assert.Equal(new DateTimeOffset(2026, 3, 29, 3, 0, 0, TimeSpan.FromHours(2)), runs[0]);
        Assert.Equal(new DateTimeOffset(2026, 3, 30, 2, 30, 0, TimeSpan.FromHours(2)), runs[1]);
        Assert.Single(runs, r => r.Date == new DateTime(2026, 3, 29));
    }

    [Fact]
    public void Next_FallBackOverlapInNewYork_TimeThatExistsTwiceFiresOnceAtItsFirstInstant()
    {
        // 2026-11-01: New York goes from 02:00 EDT back to 01:00 EST; 01:30 happens twice.
        var cadence = Parse("30 1 * * *", "America/New_York");

        var runs = cadence.Upcoming(new DateTimeOffset(2026, 10, 31, 12, 0, 0, TimeSpan.Zero), 3);

        Assert.Equal(new DateTimeOffset(2026, 11, 1, 1, 30, 0, TimeSpan.FromHours(-4)), runs[0]);
        Assert.Equal(new DateTimeOffset(2026, 11, 2, 1, 30, 0, TimeSpan.FromHours(-5)), runs[1]);
        Assert.Single(runs, r => r.Date == new DateTime(2026, 11, 1));
    }

    [Fact]
    public void Next_FallBackOverlapWithAnIntervalExpression_FiresInBothPasses()
    {
        // Every 30 minutes: in the repeated hour, each wall-clock match is a distinct instant, and each fires.
        var cadence = Parse("*/30 * * * *", "America/New_York");

        var runs = cadence.Upcoming(new DateTimeOffset(2026, 11, 1, 4, 59, 0, TimeSpan.Zero), 5);

        Assert.Equal(
            [
                new DateTimeOffset(2026, 11, 1, 1, 0, 0, TimeSpan.FromHours(-4)), new DateTimeOffset(2026, 11, 1, 1, 30, 0, TimeSpan.FromHours(-4)),
                new DateTimeOffset(2026, 11, 1, 1, 0, 0, TimeSpan.FromHours(-5)), new DateTimeOffset(2026, 11, 1, 1, 30, 0, TimeSpan.FromHours(-5)),
                new DateTimeOffset(2026, 11, 1, 2, 0, 0, TimeSpan.FromHours(-5)),
            ],
            runs);
        Assert.Equal(Enumerable.Repeat(TimeSpan.FromMinutes(30), 4), runs.Zip(runs.Skip(1), (a, b) => b - a));
    }

    [Fact]
    public void Next_LordHoweHalfHourShift_SpringGapMovesToTheFirstInstantAfterIt()
    {
        // 2026-10-04: Lord Howe Island goes from 02:00 (+10:30) to 02:30 (+11:00); 02:15 does not exist.
        var cadence = Parse("15 2 * * *", "Australia/Lord_Howe");

        var runs = cadence.Upcoming(new DateTimeOffset(2026, 10, 3, 12, 0, 0, TimeSpan.Zero), 2);

        Assert.Equal(new DateTimeOffset(2026, 10, 4, 2, 30, 0, TimeSpan.FromHours(11)), runs[0]);
        Assert.Equal(new DateTimeOffset(2026, 10, 5, 2, 15, 0, TimeSpan.FromHours(11)), runs[1]);
    }

    [Fact]
    public void Next_LordHoweHalfHourShift_FallBackTimeFiresOnce()
    {
        // 2026-04-05: Lord Howe goes from 02:00 (+11:00) back to 01:30 (+10:30); 01:45 happens twice.
        var cadence = Parse("45 1 * * *", "Australia/Lord_Howe");

        var runs = cadence.Upcoming(new DateTimeOffset(2026, 4, 4, 12, 0, 0, TimeSpan.Zero), 2);

        Assert.Equal(new DateTimeOffset(2026, 4, 5, 1, 45, 0, TimeSpan.FromHours(11)), runs[0]);
        Assert.Equal(new DateTimeOffset(2026, 4, 6, 1, 45, 0, TimeSpan.FromHours(10.5)), runs[1]);
    }

    [Fact]
    public void Next_IntervalAcrossADaylightSavingChange_KeepsElapsedTimeNotWallClock()
    {
        var anchor = new DateTimeOffset(2026, 3, 29, 0, 0, 0, TimeSpan.Zero);
        Assert.True(Cadence.TryParse(null, TimeSpan.FromHours(1), "Europe/Berlin", anchor, null, null, out var cadence, out _));

        var runs = cadence.Upcoming(anchor, 4);

        Assert.Equal(Enumerable.Repeat(TimeSpan.FromHours(1), 3), runs.Zip(runs.Skip(1), (a, b) => b - a));
    }

    [Fact]
    public void Next_IntervalFromItsAnchor_StrictlyAfterTheGivenInstant()
    {
        Assert.True(Cadence.TryParse(null, TimeSpan.FromSeconds(10), "UTC", Anchor, null, null, out var cadence, out _));

        Assert.Equal(Anchor.AddSeconds(10), cadence.Next(Anchor));
        Assert.Equal(Anchor.AddSeconds(20), cadence.Next(Anchor.AddSeconds(10)));
        Assert.Equal(Anchor, cadence.Next(Anchor.AddSeconds(-5)));
    }

    [Fact]
    public void Next_StartAndEnd_BoundTheOccurrences()
    {
        var start = Anchor.AddHours(2);
        var end = Anchor.AddHours(4);
        Assert.True(Cadence.TryParse("0 * * * *", null, "UTC", Anchor, start, end, out var cadence, out _));

        Assert.Equal([Anchor.AddHours(2), Anchor.AddHours(3), Anchor.AddHours(4)], cadence.Upcoming(Anchor, 10));
    }

    [Theory]
    [InlineData("@daily")]
    [InlineData("@hourly")]
    [InlineData("*/5 * * * * *")]
    [InlineData("0 0 1 JAN *")]
    public void TryParse_ValidExpressions_Accepted(string cron)
    {
        Assert.True(Cadence.TryParse(cron, null, "UTC", Anchor, null, null, out var cadence, out var error), error);
        Assert.NotNull(cadence.Next(Anchor));
    }

    [Theory]
    [InlineData("0 9 * *", "has 4")]
    [InlineData("61 * * * *", "not a valid cron expression")]
    [InlineData("@sometimes", "not a macro")]
    public void TryParse_InvalidExpressions_SayWhatIsWrong(string cron, string expected)
    {
        Assert.False(Cadence.TryParse(cron, null, "UTC", Anchor, null, null, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_UnknownZoneOrNeitherOrBoth_Refused()
    {
        Assert.False(Cadence.TryParse("0 9 * * *", null, "Mars/Olympus", Anchor, null, null, out _, out var zone));
        Assert.Contains("time zone", zone, StringComparison.Ordinal);
        Assert.False(Cadence.TryParse(null, null, "UTC", Anchor, null, null, out _, out _));
        Assert.False(Cadence.TryParse("0 9 * * *", TimeSpan.FromSeconds(1), "UTC", Anchor, null, null, out _, out _));
    }

    [Fact]
    public void Next_ExpressionThatNeverFires_Null()
    {
        Assert.True(Cadence.TryParse("0 0 30 2 *", null, "UTC", Anchor, null, null, out var cadence, out _));

        Assert.Null(cadence.Next(Anchor));
    }

    [Fact]
    public void OccurrenceIds_SameScheduleAndInstant_SameIdDifferentOtherwise()
    {
        var schedule = Guid.NewGuid();
        var at = new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.FromHours(1));

        var id = OccurrenceIds.For(schedule, at);

        Assert.Equal(id, OccurrenceIds.For(schedule, at.ToUniversalTime()));
        Assert.NotEqual(id, OccurrenceIds.For(schedule, at.AddSeconds(1)));
        Assert.NotEqual(id, OccurrenceIds.For(Guid.NewGuid(), at));
        Assert.Equal(7, id.Version);
        Assert.Equal(at.ToUnixTimeMilliseconds(), TaskOrchestrator.Storage.TaskKeys.CreatedMillis(id));
    }

    private static Cadence Parse(string cron, string zone)
    {
        Assert.True(Cadence.TryParse(cron, null, zone, Anchor, null, null, out var cadence, out var error), error);
        return cadence;
    }
}
