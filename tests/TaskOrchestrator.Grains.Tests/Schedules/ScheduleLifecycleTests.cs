using Microsoft.Extensions.Time.Testing;
using TaskOrchestrator.Schedules;
using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Grains.Tests.Schedules;

/// <summary>
/// Which occurrences a schedule runs, skips and catches up, transition by transition, on a fake clock: the decisions
/// the grain only carries out.
/// </summary>
public sealed class ScheduleLifecycleTests
{
    private static readonly DateTimeOffset Created = new(2026, 12, 7, 8, 0, 0, TimeSpan.Zero);
    private static readonly Guid ScheduleId = Guid.Parse("0193a0c0-0000-7000-8000-000000000001");
    private static readonly ScheduleOptions Options = new();

    private readonly FakeTimeProvider _time = new(Created);

    [Fact]
    public void Create_Active_NextOccurrenceAfterCreationAndWakeIsCreateAheadBeforeIt()
    {
        var schedule = Create(every: TimeSpan.FromMinutes(1));

        Assert.Equal(Created.AddMinutes(1), schedule.NextOccurrence);
        Assert.Equal(Created.AddMinutes(1) - Options.CreateAhead, schedule.WakeAt);
        Assert.Equal([Created.AddMinutes(1), Created.AddMinutes(2), Created.AddMinutes(3)], schedule.NextRuns(3));
    }

    [Fact]
    public void Create_Paused_NothingDueAndNoNextRuns()
    {
        var schedule = Create(every: TimeSpan.FromMinutes(1), paused: true);
        _time.Advance(TimeSpan.FromMinutes(5));

        Assert.Null(schedule.WakeAt);
        Assert.Empty(schedule.NextRuns());
        Assert.Empty(schedule.TakeDue(ScheduleId, previousRunFinished: true));
    }

    [Fact]
    public void Create_Twice_SecondRefused()
    {
        var schedule = Create(every: TimeSpan.FromMinutes(1));

        Assert.False(schedule.Create(Definition(every: TimeSpan.FromSeconds(5)), paused: false));
        Assert.Equal(TimeSpan.FromMinutes(1), schedule.State.Definition!.Every);
    }

    [Fact]
    public void TakeDue_BeforeTheWake_Nothing()
    {
        var schedule = Create(every: TimeSpan.FromMinutes(1));
        _time.Advance(TimeSpan.FromSeconds(57));

        Assert.Empty(schedule.TakeDue(ScheduleId, previousRunFinished: true));
        Assert.Equal(Created, schedule.State.HandledThrough);
    }

    [Fact]
    public void TakeDue_AtTheWake_CreatesTheRunAheadWithItsDeterministicIdOnce()
    {
        var schedule = Create(every: TimeSpan.FromMinutes(1));
        _time.Advance(TimeSpan.FromSeconds(58));

        var due = Assert.Single(schedule.TakeDue(ScheduleId, previousRunFinished: true));

        Assert.Equal(Created.AddMinutes(1), due.Run.ScheduledFor);
        Assert.Equal(OccurrenceIds.For(ScheduleId, Created.AddMinutes(1)), due.Run.TaskId);
        Assert.Null(due.Run.Skipped);
        Assert.Empty(schedule.TakeDue(ScheduleId, previousRunFinished: false));
        Assert.Equal(Created.AddMinutes(2), schedule.NextOccurrence);
        Assert.Equal(due.Run, schedule.LatestRun);
    }

    [Fact]
    public void TakeDue_OrchestrationTarget_RunIsAnOrchestration()
    {
        var target = new ScheduleTarget(null, new ScheduledOrchestration([new TaskOrchestrator.Orchestrations.OrchestrationStepDefinition("http://127.0.0.1:1/step", "POST", null, null)], null, null, null));
        var schedule = Create(every: TimeSpan.FromMinutes(1), target: target);
        _time.Advance(TimeSpan.FromMinutes(1));

        var due = Assert.Single(schedule.TakeDue(ScheduleId, previousRunFinished: true));

        Assert.Null(due.Run.TaskId);
        Assert.Equal(OccurrenceIds.For(ScheduleId, Created.AddMinutes(1)), due.Run.OrchestrationId);
    }

    [Fact]
    public void TakeDue_LateWithinMissedAfter_RunsOnTimeNotCaughtUp()
    {
        var schedule = Create(every: TimeSpan.FromMinutes(1), catchUp: ScheduleCatchUp.None);
        _time.Advance(TimeSpan.FromMinutes(1) + Options.MissedAfter - TimeSpan.FromSeconds(1));

        var due = Assert.Single(schedule.TakeDue(ScheduleId, previousRunFinished: true));

        Assert.NotNull(due.Run.TaskId);
    }

    [Fact]
    public void TakeDue_OverlapSkipWhilePreviousRuns_SkippedWithReasonAndTheIdItWouldHave()
    {
        var schedule = Create(every: TimeSpan.FromMinutes(1), overlap: ScheduleOverlap.Skip);
        _time.Advance(TimeSpan.FromMinutes(1));

        var due = Assert.Single(schedule.TakeDue(ScheduleId, previousRunFinished: false));

        Assert.Null(due.Run.RunId);
        Assert.Equal("the previous run had not finished", due.Run.Skipped);
        Assert.Equal(OccurrenceIds.For(ScheduleId, Created.AddMinutes(1)), due.SkippedUnlessItExists);
    }

    [Fact]
    public void TakeDue_OverlapSkipWhilePreviousRunsAhead_JudgedAgainAQuarterOfCreateAheadBeforeThenOnItsInstant()
    {
        var schedule = Create(every: TimeSpan.FromMinutes(1), overlap: ScheduleOverlap.Skip);
        _time.Advance(TimeSpan.FromSeconds(58));

        Assert.Empty(schedule.TakeDue(ScheduleId, previousRunFinished: false));

        Assert.Equal(Created.AddMinutes(1), schedule.NextOccurrence);
        Assert.Equal(Created.AddMinutes(1) - (Options.CreateAhead / 4), schedule.WakeAt);
        Assert.Empty(schedule.State.Runs);

        _time.Advance(TimeSpan.FromSeconds(1.5));
        Assert.Empty(schedule.TakeDue(ScheduleId, previousRunFinished: false));
        Assert.Equal(Created.AddMinutes(1), schedule.WakeAt);
    }

    [Fact]
    public void TakeDue_OverlapSkipPreviousFinishedBeforeTheSecondLook_CreatedAheadOfTheInstant()
    {
        var schedule = Create(every: TimeSpan.FromMinutes(1), overlap: ScheduleOverlap.Skip);
        _time.Advance(TimeSpan.FromSeconds(58));
        Assert.Empty(schedule.TakeDue(ScheduleId, previousRunFinished: false));
        _time.Advance(TimeSpan.FromSeconds(1.5));

        var due = Assert.Single(schedule.TakeDue(ScheduleId, previousRunFinished: true));

        Assert.Equal(Created.AddMinutes(1), due.Run.ScheduledFor);
        Assert.True(due.Run.ScheduledFor > _time.GetUtcNow());
    }

    [Fact]
    public void TakeDue_OverlapSkipPreviousFinishedByTheInstant_RunsOnTheInstant()
    {
        var schedule = Create(every: TimeSpan.FromMinutes(1), overlap: ScheduleOverlap.Skip);
        _time.Advance(TimeSpan.FromSeconds(58));
        Assert.Empty(schedule.TakeDue(ScheduleId, previousRunFinished: false));
        _time.Advance(TimeSpan.FromSeconds(2));

        var due = Assert.Single(schedule.TakeDue(ScheduleId, previousRunFinished: true));

        Assert.Equal(Created.AddMinutes(1), due.Run.ScheduledFor);
        Assert.Equal(OccurrenceIds.For(ScheduleId, Created.AddMinutes(1)), due.Run.TaskId);
        Assert.Equal(Created.AddMinutes(2) - Options.CreateAhead, schedule.WakeAt);
    }

    [Fact]
    public void TakeDue_OverlapSkipPreviousStillGoingOnTheInstant_Skipped()
    {
        var schedule = Create(every: TimeSpan.FromMinutes(1), overlap: ScheduleOverlap.Skip);
        _time.Advance(TimeSpan.FromSeconds(58));
        Assert.Empty(schedule.TakeDue(ScheduleId, previousRunFinished: false));
        _time.Advance(TimeSpan.FromSeconds(2));

        var due = Assert.Single(schedule.TakeDue(ScheduleId, previousRunFinished: false));

        Assert.Equal("the previous run had not finished", due.Run.Skipped);
        Assert.Equal(Created.AddMinutes(2), schedule.NextOccurrence);
    }

    [Fact]
    public void TakeDue_IntervalNoLongerThanCreateAhead_QuickRunsAreNeverSkipped()
    {
        // Every 2 s with runs created 2 s ahead: each occurrence is near while the previous one is due. Runs that end
        // within a second must all run, none skipped for overlap, and each be created before its instant.
        var schedule = Create(every: Options.CreateAhead, overlap: ScheduleOverlap.Skip);
        var finishedAt = DateTimeOffset.MinValue;
        var runs = new List<ScheduleRun>();
        for (var step = 0; step < 40; step++)
        {
            foreach (var due in schedule.TakeDue(ScheduleId, previousRunFinished: _time.GetUtcNow() >= finishedAt))
            {
                Assert.Null(due.Run.Skipped);
                Assert.True(due.Run.ScheduledFor > _time.GetUtcNow(), $"{due.Run.ScheduledFor:O} created at {_time.GetUtcNow():O}");
                runs.Add(due.Run);
                finishedAt = due.Run.ScheduledFor.AddMilliseconds(300);
            }

            _time.Advance(TimeSpan.FromMilliseconds(500));
        }

        Assert.Equal(runs.Count, runs.Select(r => r.ScheduledFor).Distinct().Count());
        Assert.InRange(runs.Count, 9, 11);
    }

    [Fact]
    public void TakeDue_OverlapAllowWhilePreviousRuns_Runs()
    {
        var schedule = Create(every: TimeSpan.FromMinutes(1), overlap: ScheduleOverlap.Allow);
        _time.Advance(TimeSpan.FromMinutes(1));

        Assert.NotNull(Assert.Single(schedule.TakeDue(ScheduleId, previousRunFinished: false)).Run.RunId);
    }

    [Fact]
    public void ConfirmRun_SkippedForOverlapButCreatedBeforeACrash_RecordedAsTheRun()
    {
        var schedule = Create(every: TimeSpan.FromMinutes(1), overlap: ScheduleOverlap.Skip);
        _time.Advance(TimeSpan.FromMinutes(1));
        var skipped = Assert.Single(schedule.TakeDue(ScheduleId, previousRunFinished: false));

        var run = schedule.ConfirmRun(skipped);

        Assert.Equal(skipped.SkippedUnlessItExists, run.TaskId);
        Assert.Equal(run, Assert.Single(schedule.State.Runs));
        Assert.Equal(run, schedule.LatestRun);
    }

    [Fact]
    public void TakeDue_MissedWithCatchUpNone_OneSkipForTheBlockThenTheOnTimeOccurrence()
    {
        var schedule = Create(every: TimeSpan.FromMinutes(1), catchUp: ScheduleCatchUp.None);
        _time.Advance(TimeSpan.FromMinutes(10) - Options.CreateAhead);

        var due = schedule.TakeDue(ScheduleId, previousRunFinished: true);

        Assert.Equal(2, due.Count);
        Assert.Null(due[0].Run.RunId);
        Assert.Contains("9 occurrences", due[0].Run.Skipped, StringComparison.Ordinal);
        Assert.Equal(Created.AddMinutes(10), due[1].Run.ScheduledFor);
        Assert.NotNull(due[1].Run.TaskId);
    }

    [Fact]
    public void TakeDue_MissedWithCatchUpLatest_OnlyTheLatestMissedRunsThenTheOnTimeOne()
    {
        var schedule = Create(every: TimeSpan.FromMinutes(1), catchUp: ScheduleCatchUp.Latest, overlap: ScheduleOverlap.Allow);
        _time.Advance(TimeSpan.FromMinutes(10) - Options.CreateAhead);

        var due = schedule.TakeDue(ScheduleId, previousRunFinished: true);

        Assert.Equal([Created.AddMinutes(8), Created.AddMinutes(9), Created.AddMinutes(10)], due.Select(d => d.Run.ScheduledFor));
        Assert.Null(due[0].Run.RunId);
        Assert.Contains("8 occurrences", due[0].Run.Skipped, StringComparison.Ordinal);
        Assert.NotNull(due[1].Run.TaskId);
        Assert.NotNull(due[2].Run.TaskId);
    }

    [Fact]
    public void TakeDue_MissedWithCatchUpAll_EveryMissedRunsOldestFirst()
    {
        var schedule = Create(every: TimeSpan.FromMinutes(1), catchUp: ScheduleCatchUp.All, overlap: ScheduleOverlap.Allow);
        _time.Advance(TimeSpan.FromMinutes(5) - Options.CreateAhead);

        var due = schedule.TakeDue(ScheduleId, previousRunFinished: true);

        Assert.Equal(Enumerable.Range(1, 5).Select(m => Created.AddMinutes(m)), due.Select(d => d.Run.ScheduledFor));
        Assert.All(due, d => Assert.NotNull(d.Run.TaskId));
        Assert.Equal(5, due.Select(d => d.Run.TaskId).Distinct().Count());
    }

    [Fact]
    public void TakeDue_CatchUpAllWithOverlapSkip_OnlyTheFirstRunsTheRestAreSkippedOrWaitForTheirInstant()
    {
        var schedule = Create(every: TimeSpan.FromMinutes(1), catchUp: ScheduleCatchUp.All, overlap: ScheduleOverlap.Skip);
        _time.Advance(TimeSpan.FromMinutes(3) - Options.CreateAhead);

        var due = schedule.TakeDue(ScheduleId, previousRunFinished: true);

        Assert.Equal(2, due.Count);
        Assert.NotNull(due[0].Run.TaskId);
        Assert.Equal("the previous run had not finished", due[1].Run.Skipped);

        // The occurrence still ahead is judged again nearer its instant: the caught-up run may have finished by then.
        Assert.Equal(Created.AddMinutes(3) - (Options.CreateAhead / 4), schedule.WakeAt);
    }

    [Fact]
    public void TakeDue_CatchUpAllBeyondMaxCatchUpRuns_OnlyTheLatestOnesRun()
    {
        var schedule = new ScheduleLifecycle(new ScheduleOptions { MaxCatchUpRuns = 3 }, _time);
        Assert.True(schedule.Create(Definition(every: TimeSpan.FromMinutes(1), catchUp: ScheduleCatchUp.All, overlap: ScheduleOverlap.Allow), paused: false));
        _time.Advance(TimeSpan.FromMinutes(10) - Options.CreateAhead);

        var due = schedule.TakeDue(ScheduleId, previousRunFinished: true);

        var runs = due.Where(d => d.Run.RunId is not null).Select(d => d.Run.ScheduledFor).ToList();
        Assert.Equal([Created.AddMinutes(7), Created.AddMinutes(8), Created.AddMinutes(9), Created.AddMinutes(10)], runs);
        Assert.Contains("6 occurrences", Assert.Single(due, d => d.Run.Skipped is not null).Run.Skipped, StringComparison.Ordinal);
    }

    [Fact]
    public void TakeDue_MissedOutsideTheCatchUpWindow_SkippedAsOneBlockWithoutWalkingThem()
    {
        // A schedule every second, down for 30 days: a month of occurrences is skipped in one entry, not 2.6 million.
        var schedule = Create(cron: "* * * * * *", catchUp: ScheduleCatchUp.All, window: TimeSpan.FromMinutes(1), overlap: ScheduleOverlap.Allow);
        _time.Advance(TimeSpan.FromDays(30));

        var due = schedule.TakeDue(ScheduleId, previousRunFinished: true);

        Assert.Contains("outside the catch-up window", due[0].Run.Skipped, StringComparison.Ordinal);
        // Each second of the window's last minute (59 missed, caught up) and of the next two (created ahead) runs.
        var runs = due.Where(d => d.Run.RunId is not null).ToList();
        Assert.Equal(59 + 1 + 2, runs.Count);
        Assert.Equal(_time.GetUtcNow() - TimeSpan.FromSeconds(59), runs[0].Run.ScheduledFor);
        Assert.Equal(runs.Count + 1, due.Count);
    }

    [Fact]
    public void TakeDue_MissedWithZeroWindow_NothingCaughtUp()
    {
        var schedule = Create(every: TimeSpan.FromMinutes(1), catchUp: ScheduleCatchUp.All, window: TimeSpan.Zero);
        _time.Advance(TimeSpan.FromMinutes(5) - Options.CreateAhead);

        var due = schedule.TakeDue(ScheduleId, previousRunFinished: true);

        Assert.Equal(Created.AddMinutes(5), Assert.Single(due, d => d.Run.RunId is not null).Run.ScheduledFor);
    }

    [Fact]
    public void PauseThenResume_OccurrencesWhilePausedNeverRun()
    {
        var schedule = Create(every: TimeSpan.FromMinutes(1), catchUp: ScheduleCatchUp.All, overlap: ScheduleOverlap.Allow);
        Assert.True(schedule.Pause());
        Assert.False(schedule.Pause());
        _time.Advance(TimeSpan.FromMinutes(30));
        Assert.Empty(schedule.TakeDue(ScheduleId, previousRunFinished: true));

        Assert.True(schedule.Resume());
        Assert.False(schedule.Resume());

        Assert.Equal(Created.AddMinutes(31), schedule.NextOccurrence);
        _time.Advance(TimeSpan.FromMinutes(1) - Options.CreateAhead);
        Assert.Equal(Created.AddMinutes(31), Assert.Single(schedule.TakeDue(ScheduleId, previousRunFinished: true)).Run.ScheduledFor);
    }

    [Fact]
    public void Trigger_WhilePaused_CreatesARunNowMarkedTriggered()
    {
        var schedule = Create(every: TimeSpan.FromMinutes(1), paused: true);
        _time.Advance(TimeSpan.FromSeconds(7));
        var id = Guid.CreateVersion7();

        var run = schedule.Trigger(id);

        Assert.Equal(id, run.TaskId);
        Assert.True(run.Triggered);
        Assert.Equal(_time.GetUtcNow(), run.ScheduledFor);
        Assert.Equal(run, schedule.LatestRun);
        Assert.Empty(schedule.NextRuns());
    }

    [Fact]
    public void Update_NewCadence_TakesEffectFromTheNextOccurrenceNotHandled()
    {
        var schedule = Create(every: TimeSpan.FromMinutes(1));
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Single(schedule.TakeDue(ScheduleId, previousRunFinished: true));

        Assert.Null(schedule.Update(new ScheduleChange(Cron: "0 9 * * *", TimeZone: "Europe/Berlin")));

        Assert.Null(schedule.State.Definition!.Every);
        Assert.Equal(new DateTimeOffset(2026, 12, 8, 9, 0, 0, TimeSpan.FromHours(1)), schedule.NextOccurrence);
        Assert.Equal(TimeSpan.FromHours(1), schedule.NextOccurrence!.Value.Offset);
    }

    [Fact]
    public void Update_EndInThePast_RefusedAndUnchanged()
    {
        var schedule = Create(every: TimeSpan.FromMinutes(1));
        _time.Advance(TimeSpan.FromHours(1));

        var refusal = schedule.Update(new ScheduleChange(EndAt: Created.AddMinutes(5)));

        Assert.Equal("With this change the schedule would never fire again.", refusal);
        Assert.Null(schedule.State.Definition!.EndAt);
    }

    [Fact]
    public void Update_ClearEndAt_RemovesTheEnd()
    {
        var schedule = Create(every: TimeSpan.FromMinutes(1), end: Created.AddHours(1));

        Assert.Null(schedule.Update(new ScheduleChange(ClearEndAt: true)));

        Assert.Null(schedule.State.Definition!.EndAt);
    }

    [Fact]
    public void Update_Callback_ReplacesItAndAChangeWithoutOneKeepsIt()
    {
        var schedule = Create(every: TimeSpan.FromMinutes(1));
        var callback = new TaskOrchestrator.Callbacks.CompletionCallback("https://example.com/ended", [TaskOrchestrator.Callbacks.CompletionCallback.Failed]);

        Assert.Null(schedule.Update(new ScheduleChange(Callback: callback)));
        Assert.Equal(callback, schedule.State.Definition!.Callback);

        Assert.Null(schedule.Update(new ScheduleChange(TimeZone: "Europe/Berlin")));
        Assert.Equal(callback, schedule.State.Definition!.Callback);
    }

    [Fact]
    public void EndAt_AfterTheLastOccurrence_NothingMoreIsDue()
    {
        var schedule = Create(every: TimeSpan.FromMinutes(1), end: Created.AddMinutes(2), overlap: ScheduleOverlap.Allow);
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Single(schedule.TakeDue(ScheduleId, previousRunFinished: true), d => d.Run.RunId is not null);
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Single(schedule.TakeDue(ScheduleId, previousRunFinished: true), d => d.Run.RunId is not null);

        _time.Advance(TimeSpan.FromMinutes(5));

        Assert.Null(schedule.NextOccurrence);
        Assert.Null(schedule.WakeAt);
        Assert.Empty(schedule.TakeDue(ScheduleId, previousRunFinished: true));
    }

    [Fact]
    public void Delete_RunsCreatedAheadAreTheOnesToCancel()
    {
        var schedule = Create(every: TimeSpan.FromMinutes(1), overlap: ScheduleOverlap.Allow);
        _time.Advance(TimeSpan.FromMinutes(1));
        schedule.TakeDue(ScheduleId, previousRunFinished: true);
        _time.Advance(TimeSpan.FromSeconds(59));
        var ahead = Assert.Single(schedule.TakeDue(ScheduleId, previousRunFinished: true)).Run;

        Assert.True(schedule.Delete());
        Assert.False(schedule.Delete());

        Assert.False(schedule.Exists);
        Assert.Equal([ahead], schedule.RunsNotYetDue());
        Assert.Empty(schedule.TakeDue(ScheduleId, previousRunFinished: true));
    }

    [Fact]
    public void Runs_KeepOnlyTheLatest()
    {
        var schedule = Create(cron: "* * * * * *", overlap: ScheduleOverlap.Allow);
        for (var i = 0; i < 5; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(8));
            Assert.NotEmpty(schedule.TakeDue(ScheduleId, previousRunFinished: true));
        }

        Assert.Equal(ScheduleGrainState.MaxRuns, schedule.State.Runs.Count);
        Assert.Equal(_time.GetUtcNow() + Options.CreateAhead, schedule.State.Runs[^1].ScheduledFor);
        Assert.Equal(schedule.State.Runs.Select(r => r.ScheduledFor).Reverse(), schedule.Snapshot(ScheduleId).RecentRuns.Select(r => r.ScheduledFor));
    }

    private ScheduleLifecycle Create(
        string? cron = null,
        TimeSpan? every = null,
        bool paused = false,
        ScheduleOverlap overlap = ScheduleOverlap.Skip,
        ScheduleCatchUp catchUp = ScheduleCatchUp.None,
        TimeSpan? window = null,
        DateTimeOffset? end = null,
        ScheduleTarget? target = null)
    {
        var schedule = new ScheduleLifecycle(Options, _time);
        Assert.True(schedule.Create(Definition(cron, every, overlap, catchUp, window, end, target), paused));
        return schedule;
    }

    private static ScheduleDefinition Definition(
        string? cron = null,
        TimeSpan? every = null,
        ScheduleOverlap overlap = ScheduleOverlap.Skip,
        ScheduleCatchUp catchUp = ScheduleCatchUp.None,
        TimeSpan? window = null,
        DateTimeOffset? end = null,
        ScheduleTarget? target = null) =>
        new(
            "alice", Created, cron, every, "UTC", null, end, overlap, catchUp, window ?? Options.DefaultCatchUpWindow,
            target ?? new ScheduleTarget(new ScheduledCall("http://127.0.0.1:1/run", "POST", null, null, null), null));
}
