using Cronos;

namespace TaskOrchestrator.Schedules;

/// <summary>
/// When a schedule's occurrences fall: a cron expression read in an IANA time zone (by Cronos), or a fixed interval
/// counted from an anchor; bounded by a start and an end.
/// </summary>
/// <remarks>
/// Daylight saving time, in the zone of a cron expression (Cronos' rules, those of Vixie cron): a wall-clock time that
/// does not exist (the clock jumps forward over it) fires once, at the first instant after the gap; a time that exists
/// twice (the clock jumps back) fires once, at its first instant, unless the expression repeats within the hour
/// (seconds or minutes with <c>*</c> or a step, or <c>*</c> hours): those fire at every instant that matches, in both
/// passes. An interval (<c>everyInMS</c>) counts elapsed time and ignores the wall clock altogether.
/// </remarks>
public sealed class Cadence
{
    private static readonly string[] Macros = ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly", "@every_minute", "@every_second"];

    private readonly CronExpression? _cron;
    private readonly TimeSpan? _every;
    private readonly DateTimeOffset _anchor;
    private readonly DateTimeOffset? _start;
    private readonly DateTimeOffset? _end;

    private Cadence(CronExpression? cron, TimeSpan? every, TimeZoneInfo zone, DateTimeOffset anchor, DateTimeOffset? start, DateTimeOffset? end)
    {
        (_cron, _every, Zone, _anchor, _start, _end) = (cron, every, zone, anchor, start, end);
    }

    /// <summary>The zone occurrences are shown in (and a cron expression is read in).</summary>
    public TimeZoneInfo Zone { get; }

    /// <summary>The cadence of <paramref name="definition"/> (which is valid: the API checked it).</summary>
    public static Cadence Of(ScheduleDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (TryParse(definition.Cron, definition.Every, definition.TimeZone, definition.StartAt ?? definition.CreatedAt, definition.StartAt, definition.EndAt, out var cadence, out var error))
        {
            return cadence;
        }

        throw new ArgumentException(error, nameof(definition));
    }

    /// <summary>
    /// Reads a cadence: exactly one of <paramref name="cron"/> (5 fields, or 6 with seconds first, or a macro such as
    /// <c>@daily</c>) or <paramref name="every"/>, in <paramref name="timeZone"/>; an interval counts from
    /// <paramref name="anchor"/>. False, with what is wrong, for an expression or zone that cannot be read.
    /// </summary>
    public static bool TryParse(
        string? cron, TimeSpan? every, string? timeZone, DateTimeOffset anchor, DateTimeOffset? start, DateTimeOffset? end, out Cadence cadence, out string error)
    {
        cadence = null!;
        if (!TryFindZone(timeZone ?? "UTC", out var zone))
        {
            error = $"'{timeZone}' is not a time zone this service knows: use an IANA id such as Europe/Berlin, America/New_York or UTC.";
            return false;
        }

        if (cron is null == every is null)
        {
            error = "Give exactly one of cron or everyInMS.";
            return false;
        }

        CronExpression? expression = null;
        if (cron is not null)
        {
            var text = cron.Trim();
            var fields = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
            if (!text.StartsWith('@') && fields is not (5 or 6))
            {
                error = $"A cron expression has 5 fields (minute hour day-of-month month day-of-week) or 6 (seconds first); '{cron}' has {fields}.";
                return false;
            }

            if (text.StartsWith('@') && !Macros.Contains(text, StringComparer.OrdinalIgnoreCase))
            {
                error = $"'{cron}' is not a macro this service knows; use one of {string.Join(", ", Macros)}.";
                return false;
            }

            try
            {
                expression = CronExpression.Parse(text, fields == 6 || text.Equals("@every_second", StringComparison.OrdinalIgnoreCase) ? CronFormat.IncludeSeconds : CronFormat.Standard);
            }
            catch (CronFormatException e)
            {
                error = $"'{cron}' is not a valid cron expression: {e.Message}";
                return false;
            }
        }
        else if (every <= TimeSpan.Zero)
        {
            error = "everyInMS must be positive.";
            return false;
        }

        cadence = new Cadence(expression, every, zone, anchor, start, end);
        error = "";
        return true;
    }

    /// <summary>True when <paramref name="id"/> names a time zone this machine knows (IANA ids; Windows ids too where the OS maps them).</summary>
    public static bool TryFindZone(string id, out TimeZoneInfo zone)
    {
        zone = TimeZoneInfo.Utc;
        if (string.IsNullOrWhiteSpace(id) || id.Length > 64)
        {
            return false;
        }

        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(id);
            return true;
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return false;
        }
    }

    /// <summary>The first occurrence strictly after <paramref name="after"/>, in the cadence's zone; null when none comes (ended, or never).</summary>
    public DateTimeOffset? Next(DateTimeOffset after)
    {
        // Occurrences start at the start (inclusive): look just before it.
        var from = _start is { } start && after < start ? start.AddTicks(-1) : after;
        DateTimeOffset? next;
        if (_cron is not null)
        {
            next = _cron.GetNextOccurrence(from, Zone, inclusive: false);
        }
        else
        {
            var every = _every!.Value;
            var elapsed = from - _anchor;
            var periods = elapsed < TimeSpan.Zero ? 0 : (long)Math.Floor(elapsed / every) + 1;
            next = elapsed < TimeSpan.Zero ? _anchor : _anchor + every * periods;
        }

        return next is { } n && (_end is null || n <= _end) ? TimeZoneInfo.ConvertTime(n, Zone) : null;
    }

    /// <summary>Up to <paramref name="count"/> occurrences strictly after <paramref name="after"/>, in order.</summary>
    public IReadOnlyList<DateTimeOffset> Upcoming(DateTimeOffset after, int count)
    {
        var result = new List<DateTimeOffset>(count);
        for (var at = Next(after); at is { } occurrence && result.Count < count; at = Next(occurrence))
        {
            result.Add(occurrence);
        }

        return result;
    }

    /// <summary>The shortest gap between the first <paramref name="count"/> occurrences after <paramref name="after"/> (null when fewer than two come).</summary>
    public TimeSpan? ShortestGap(DateTimeOffset after, int count)
    {
        TimeSpan? shortest = null;
        var runs = Upcoming(after, count);
        for (var i = 1; i < runs.Count; i++)
        {
            var gap = runs[i] - runs[i - 1];
            shortest = shortest is null || gap < shortest ? gap : shortest;
        }

        return shortest;
    }
}
