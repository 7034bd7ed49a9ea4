using System.Globalization;

namespace TaskOrchestrator.Schedules;

/// <summary>
/// A recurring schedule as plain state and transitions (no Orleans, no I/O): which occurrences are due, which run and
/// which are skipped (overlap, catch-up), and when the grain must wake next. Its grain creates the runs, stores the
/// record and keeps the timer and reminder.
/// </summary>
/// <remarks>
/// An occurrence is handled <see cref="ScheduleOptions.CreateAhead"/> before its instant: its run (a task due on the
/// instant, or an orchestration starting then) is created, and fires as precisely as any task. Under the overlap policy
/// <c>skip</c>, an occurrence whose previous run is still going at that moment is judged again later (the previous run
/// may finish in between): a quarter of <see cref="ScheduleOptions.CreateAhead"/> before its instant, so a run created
/// then still fires on time, and last on the instant itself, when it runs at once or is skipped. One handled more than
/// <see cref="ScheduleOptions.MissedAfter"/> after its instant was missed (the service was down, or the schedule's silo
/// dead): the catch-up policy decides whether it runs (at once) within the catch-up window. Occurrences that came while
/// paused are never caught up: a resume continues from the next occurrence after it.
/// </remarks>
public sealed class ScheduleLifecycle(ScheduleOptions options, TimeProvider time)
{
    private Cadence? _cadence;

    // An occurrence judged again later (overlap skip, its previous run still going when it was near), and when.
    // Not stored: after a restart the occurrence is judged again, ahead, and waits again if it must.
    private (DateTimeOffset Occurrence, DateTimeOffset At)? _judgeAgain;

    /// <summary>The schedule's record: what is stored.</summary>
    public ScheduleGrainState State { get; private set; } = new();

    /// <summary>True while a schedule exists (created and not deleted).</summary>
    public bool Exists => State.Definition is not null && !State.Deleted;

    /// <summary>The schedule's cadence.</summary>
    public Cadence Cadence => _cadence ??= Cadence.Of(Definition);

    private ScheduleDefinition Definition => State.Definition ?? throw new InvalidOperationException("No schedule exists.");

    private DateTimeOffset Now => time.GetUtcNow();

    /// <summary>The next occurrence not yet handled, or null (paused, deleted, ended).</summary>
    public DateTimeOffset? NextOccurrence => Exists && State.Status == ScheduleStatus.Active ? Cadence.Next(State.HandledThrough) : null;

    /// <summary>
    /// When the grain must handle <see cref="NextOccurrence"/> (create its run, or judge it again), or null.
    /// </summary>
    public DateTimeOffset? WakeAt => NextOccurrence is { } next
        ? (_judgeAgain is { } again && again.Occurrence == next ? again.At : next - options.CreateAhead)
        : null;

    /// <summary>Takes the record this activation found.</summary>
    public void Load(ScheduleGrainState record)
    {
        State = record ?? throw new ArgumentNullException(nameof(record));
        _cadence = null;
    }

    /// <summary>Takes a new schedule (false when one exists): occurrences from its creation on.</summary>
    public bool Create(ScheduleDefinition definition, bool paused)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (State.Definition is not null)
        {
            return false;
        }

        State = new ScheduleGrainState
        {
            Definition = definition,
            Status = paused ? ScheduleStatus.Paused : ScheduleStatus.Active,
            UpdatedAt = Now,
            HandledThrough = definition.CreatedAt,
        };
        _cadence = null;
        return true;
    }

    /// <summary>The next <paramref name="count"/> occurrences after now, in the schedule's zone; empty while paused or once ended.</summary>
    public IReadOnlyList<DateTimeOffset> NextRuns(int count = 5) =>
        Exists && State.Status == ScheduleStatus.Active ? Cadence.Upcoming(Now, count) : [];

    /// <summary>
    /// Handles every occurrence due by now plus <see cref="ScheduleOptions.CreateAhead"/>: returns, oldest first, the
    /// runs to create (each with its id from <see cref="OccurrenceIds"/>) and the occurrences skipped, and records them.
    /// <paramref name="previousRunFinished"/> says whether the latest run created before (if any) has finished, for
    /// the overlap policy; a run created in this same call counts as unfinished for the next. An occurrence skipped for
    /// overlap is marked <see cref="DueOccurrence.SkippedUnlessItExists"/>: after a crash its run may exist already
    /// (created, not yet recorded), and then it stands (see <see cref="ConfirmRun"/>).
    /// </summary>
    public IReadOnlyList<DueOccurrence> TakeDue(Guid scheduleId, bool previousRunFinished)
    {
        if (!Exists || State.Status != ScheduleStatus.Active)
        {
            return [];
        }

        var now = Now;
        var definition = Definition;
        var horizon = now + options.CreateAhead;
        var missedBefore = now - options.MissedAfter;
        var windowStart = now - definition.CatchUpWindow;
        var due = new List<DueOccurrence>();

        // Missed occurrences older than the catch-up window are skipped as one block, without going through them one by one.
        if (Cadence.Next(State.HandledThrough) is { } oldest && oldest < windowStart && oldest < missedBefore)
        {
            var through = windowStart < missedBefore ? windowStart : missedBefore;
            due.Add(Skip(oldest, $"missed while the service was down: every occurrence from {Format(oldest)} to {Format(through)}, outside the catch-up window"));
            State.HandledThrough = through;
        }

        var handledAtStart = State.HandledThrough;
        var missed = new List<DateTimeOffset>();
        var onTime = new List<DateTimeOffset>();
        for (var at = Cadence.Next(State.HandledThrough); at is { } occurrence && occurrence <= horizon; at = Cadence.Next(occurrence))
        {
            (occurrence < missedBefore ? missed : onTime).Add(occurrence);
            State.HandledThrough = occurrence;
            if (missed.Count > 100_000)
            {
                break;
            }
        }

        var caughtUp = definition.CatchUp switch
        {
            ScheduleCatchUp.All => missed.Count > options.MaxCatchUpRuns ? missed[^options.MaxCatchUpRuns..] : missed,
            ScheduleCatchUp.Latest when missed.Count > 0 => [missed[^1]],
            _ => [],
        };
        var notCaughtUp = missed.Count - caughtUp.Count;
        if (notCaughtUp > 0)
        {
            due.Add(Skip(missed[notCaughtUp - 1], notCaughtUp == 1
                ? "missed while the service was down"
                : $"missed while the service was down: {notCaughtUp} occurrences from {Format(missed[0])} to {Format(missed[notCaughtUp - 1])}"));
        }

        var finished = previousRunFinished;
        var handledBefore = missed.Count > 0 ? missed[^1] : handledAtStart;
        _judgeAgain = null;
        foreach (var occurrence in caughtUp.Concat(onTime))
        {
            if (definition.Overlap == ScheduleOverlap.Skip && !finished)
            {
                if (occurrence > now)
                {
                    // Not its instant yet: the previous run may still finish in time. Leave it, and what follows, unhandled.
                    var again = occurrence - (options.CreateAhead / 4);
                    State.HandledThrough = handledBefore;
                    _judgeAgain = (occurrence, again > now ? again : occurrence);
                    break;
                }

                due.Add(Skip(occurrence, "the previous run had not finished", unlessItExists: OccurrenceIds.For(scheduleId, occurrence)));
                handledBefore = occurrence;
                continue;
            }

            var id = OccurrenceIds.For(scheduleId, occurrence);
            var run = definition.Target.Task is not null ? new ScheduleRun(occurrence, id, null, null) : new ScheduleRun(occurrence, null, id, null);
            State.AddRun(run);
            due.Add(new DueOccurrence(run, null));
            finished = false;
            handledBefore = occurrence;
        }

        return due;
    }

    /// <summary>An occurrence skipped for overlap had its run after all (created before a crash): record the run instead.</summary>
    public ScheduleRun ConfirmRun(DueOccurrence skipped)
    {
        ArgumentNullException.ThrowIfNull(skipped);
        var id = skipped.SkippedUnlessItExists ?? throw new ArgumentException("Only an occurrence skipped for overlap can turn out to have run.", nameof(skipped));
        var run = Definition.Target.Task is not null
            ? new ScheduleRun(skipped.Run.ScheduledFor, id, null, null)
            : new ScheduleRun(skipped.Run.ScheduledFor, null, id, null);
        var index = State.Runs.FindIndex(r => r.ScheduledFor == run.ScheduledFor && r.Skipped is not null);
        if (index >= 0)
        {
            State.Runs[index] = run;
        }

        return run;
    }

    /// <summary>The latest run created (by an occurrence or a trigger), for the overlap policy; null when none.</summary>
    public ScheduleRun? LatestRun => State.Runs.LastOrDefault(r => r.RunId is not null);

    /// <summary>A run by hand, now, outside the cadence (whatever the overlap policy; also while paused), under <paramref name="id"/>.</summary>
    public ScheduleRun Trigger(Guid id)
    {
        var run = Definition.Target.Task is not null ? new ScheduleRun(Now, id, null, null, Triggered: true) : new ScheduleRun(Now, null, id, null, Triggered: true);
        State.AddRun(run);
        State.UpdatedAt = Now;
        return run;
    }

    /// <summary>Pauses (false when paused already).</summary>
    public bool Pause()
    {
        if (State.Status == ScheduleStatus.Paused)
        {
            return false;
        }

        State.Status = ScheduleStatus.Paused;
        State.UpdatedAt = Now;
        return true;
    }

    /// <summary>Resumes from the next occurrence after now: those that came while paused are not caught up (false when active already).</summary>
    public bool Resume()
    {
        if (State.Status == ScheduleStatus.Active)
        {
            return false;
        }

        State.Status = ScheduleStatus.Active;
        State.UpdatedAt = Now;
        State.HandledThrough = Later(State.HandledThrough, Now);
        return true;
    }

    /// <summary>
    /// Changes the definition from the next occurrence not yet handled; null when done, otherwise why the result is
    /// refused (it would never fire again).
    /// </summary>
    public string? Update(ScheduleChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var changed = change.ApplyTo(Definition);
        if (!Cadence.TryParse(changed.Cron, changed.Every, changed.TimeZone, changed.StartAt ?? changed.CreatedAt, changed.StartAt, changed.EndAt, out var cadence, out var error))
        {
            return error;
        }

        if (cadence.Next(Later(State.HandledThrough, Now)) is null)
        {
            return "With this change the schedule would never fire again.";
        }

        State.Definition = changed;
        State.UpdatedAt = Now;
        _cadence = cadence;
        return null;
    }

    /// <summary>Deletes: nothing more is created (false when deleted already).</summary>
    public bool Delete()
    {
        if (State.Deleted)
        {
            return false;
        }

        State.Deleted = true;
        State.UpdatedAt = Now;
        return true;
    }

    /// <summary>The runs created for occurrences still to come (created ahead of their instant): a deletion cancels them.</summary>
    public IEnumerable<ScheduleRun> RunsNotYetDue() => State.Runs.Where(r => r.RunId is not null && !r.Triggered && r.ScheduledFor > Now);

    /// <summary>The schedule as it stands, for <paramref name="id"/>.</summary>
    public ScheduleSnapshot Snapshot(Guid id) =>
        new(id, Definition, State.Status, State.UpdatedAt, [.. NextRuns()], [.. Enumerable.Reverse(State.Runs)]);

    private DueOccurrence Skip(DateTimeOffset occurrence, string reason, Guid? unlessItExists = null)
    {
        var run = new ScheduleRun(occurrence, null, null, reason);
        State.AddRun(run);
        return new DueOccurrence(run, unlessItExists);
    }

    private string Format(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, Cadence.Zone).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}

/// <summary>An occurrence a schedule handled: its run to create, or its skip.</summary>
/// <param name="Run">The run (with its id), or the skip (with its reason).</param>
/// <param name="SkippedUnlessItExists">For an occurrence skipped for overlap: the id its run would have, which may exist after a crash.</param>
public sealed record DueOccurrence(ScheduleRun Run, Guid? SkippedUnlessItExists);
