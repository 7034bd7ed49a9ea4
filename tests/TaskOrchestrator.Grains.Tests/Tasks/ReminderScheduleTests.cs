using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Grains.Tests.Tasks;

/// <summary>
/// Where a task's reminder ticks fall (defaults: wake lead 10 s, grace 2 s, period 5 s). A tick on the due instant
/// meets the timer's call; during a failover it started a second activation that called the target again in the
/// same attempt (seen in the cluster crash test: two calls of attempt 1, 2 ms apart, at the due time).
/// </summary>
public sealed class ReminderScheduleTests
{
    private static readonly TaskSchedulingOptions Defaults = new();

    [Theory]
    [InlineData(0, 2)]        // due now: first tick after the grace
    [InlineData(-3, 2)]       // overdue (a retry due in the past): the same
    [InlineData(1, 3)]        // due soon, within the wake lead: the tick after the due time only
    [InlineData(10, 12)]
    [InlineData(11, 3)]       // ticks at due-8, due-3, due+2: as early as there is time for
    [InlineData(12, 4)]
    [InlineData(60, 47)]      // ticks at due-13, due-8, due-3, due+2
    [InlineData(3 * 3600, 3 * 3600 - 13)]
    public void FirstReminderTick_DefaultOptions_LinesTheTicksUpOnTheGraceAfterTheDueTime(double untilDueSeconds, double expectedSeconds)
    {
        var first = Defaults.FirstReminderTick(TimeSpan.FromSeconds(untilDueSeconds));

        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), first);
    }

    [Theory]
    [InlineData(0.3)]
    [InlineData(9.9)]
    [InlineData(10.5)]
    [InlineData(14)]
    [InlineData(37.25)]
    [InlineData(125)]
    [InlineData(86_400)]
    public void FirstReminderTick_AnyDueTime_NoTickOnTheDueInstantAndOneTickAfterItByTheGrace(double untilDueSeconds)
    {
        var untilDue = TimeSpan.FromSeconds(untilDueSeconds);

        var first = Defaults.FirstReminderTick(untilDue);

        Assert.True(first >= TimeSpan.Zero);
        var ticks = Enumerable.Range(0, 20_000).Select(k => first + k * Defaults.ReminderPeriod).TakeWhile(t => t <= untilDue + Defaults.ReminderGrace).ToList();
        Assert.DoesNotContain(untilDue, ticks);
        Assert.Equal(untilDue + Defaults.ReminderGrace, ticks[^1]);
        if (untilDue > Defaults.WakeLead)
        {
            // Woken early enough to arm the timer: at least the wake lead before the due time, or at once when there is not that much time.
            Assert.True(first <= untilDue - Defaults.WakeLead || first < Defaults.ReminderPeriod, $"first tick {first} for a task due in {untilDue}");
        }
    }

    [Fact]
    public void FirstReminderTick_PeriodLongerThanTheTimeLeft_WakesAtTheWakeLead()
    {
        var options = new TaskSchedulingOptions { ReminderPeriod = TimeSpan.FromMinutes(10) };

        var first = options.FirstReminderTick(TimeSpan.FromMinutes(3));

        Assert.Equal(TimeSpan.FromMinutes(3) - options.WakeLead, first);
    }
}
