using System.Globalization;
using System.Text.Json.Serialization;
using TaskOrchestrator.Schedules;
using TaskOrchestrator.Server.Endpoints.Callbacks;
using TaskOrchestrator.Server.Endpoints.Orchestrations;
using TaskOrchestrator.Server.Endpoints.Tasks;
using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Server.Endpoints.Schedules;

/// <summary>A schedule as the API shows it. Headers and bodies of what it runs are never echoed.</summary>
/// <param name="Id">The schedule's id.</param>
/// <param name="Status">Active or Paused.</param>
/// <param name="CreatedAt">When it was accepted.</param>
/// <param name="UpdatedAt">When it was last changed (created, modified, paused or resumed).</param>
/// <param name="Cron">Its cron expression, when it has one.</param>
/// <param name="EveryInMs">Its interval, when it has one.</param>
/// <param name="TimeZone">The IANA time zone of its occurrences.</param>
/// <param name="StartAt">No occurrence before this.</param>
/// <param name="EndAt">No occurrence after this.</param>
/// <param name="Overlap">skip or allow.</param>
/// <param name="CatchUp">none, latest or all.</param>
/// <param name="CatchUpWindowInMs">How old a missed occurrence may be and still be caught up.</param>
/// <param name="Task">The task each occurrence runs.</param>
/// <param name="Orchestration">The orchestration each occurrence runs.</param>
/// <param name="NextRuns">The next five occurrences, in the schedule's zone (ISO 8601 with its offset); empty while paused or once ended.</param>
/// <param name="RecentRuns">Its latest occurrences, newest first (in a listing: absent).</param>
/// <param name="Labels">Its labels (empty for none); each run it creates carries them.</param>
/// <param name="Callback">The completion callback each run it creates carries, unless the run's own definition gives one.</param>
public sealed record ScheduleResource(
    Guid Id,
    ScheduleStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string? Cron,
    [property: JsonPropertyName("everyInMS")] long? EveryInMs,
    string TimeZone,
    DateTimeOffset? StartAt,
    DateTimeOffset? EndAt,
    string Overlap,
    string CatchUp,
    [property: JsonPropertyName("catchUpWindowInMS")] long CatchUpWindowInMs,
    ScheduledTaskResource? Task,
    ScheduledOrchestrationResource? Orchestration,
    IReadOnlyList<string> NextRuns,
    IReadOnlyList<ScheduleRunResource>? RecentRuns,
    IReadOnlyDictionary<string, string>? Labels = null,
    CallbackResource? Callback = null)
{
    /// <summary>The subject that owns it: the caller's own, or for an admin, any owner's.</summary>
    public string? Owner { get; init; }

    /// <summary>Maps a schedule to the API's shape; <paramref name="outcomes"/> gives the status of runs found in a listing.</summary>
    public static ScheduleResource From(Guid id, ScheduleDefinition d, ScheduleStatus status, DateTimeOffset updatedAt, IReadOnlyList<DateTimeOffset> nextRuns,
        IReadOnlyList<ScheduleRun>? recentRuns, IReadOnlyDictionary<Guid, string>? outcomes = null) => new(
        id, status, d.CreatedAt, updatedAt, d.Cron, d.Every is { } every ? (long)every.TotalMilliseconds : null, d.TimeZone, d.StartAt, d.EndAt,
        d.Overlap == ScheduleOverlap.Allow ? "allow" : "skip", Name(d.CatchUp), (long)d.CatchUpWindow.TotalMilliseconds,
        d.Target.Task is { } call ? ScheduledTaskResource.From(call) : null,
        d.Target.Orchestration is { } o ? ScheduledOrchestrationResource.From(o) : null,
        [.. nextRuns.Select(Format)],
        recentRuns?.Select(r => ScheduleRunResource.From(r, r.RunId is { } run && outcomes?.TryGetValue(run, out var outcome) == true ? outcome : null)).ToArray(),
        d.Labels ?? OrchestrationSummaryResource.NoLabels, CallbackResource.From(d.Callback))
    {
        Owner = d.Owner,
    };

    /// <summary>The API's name of a catch-up policy.</summary>
    public static string Name(ScheduleCatchUp catchUp) => catchUp switch { ScheduleCatchUp.None => "none", ScheduleCatchUp.All => "all", _ => "latest" };

    /// <summary>An instant as ISO 8601 with its offset, milliseconds only when it has some.</summary>
    public static string Format(DateTimeOffset at) =>
        at.ToString(at.Millisecond == 0 ? "yyyy-MM-dd'T'HH:mm:sszzz" : "yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture);
}

/// <summary>The task each occurrence of a schedule creates (its headers and body are not shown).</summary>
/// <param name="TaskUrl">The URL it calls.</param>
/// <param name="Method">The HTTP method.</param>
/// <param name="Retry">Its retry policy (defaults applied).</param>
/// <param name="TimeoutInMs">How long one attempt may take.</param>
/// <param name="Authentication">none, or awsSigV4.</param>
/// <param name="Callback">The completion callback each task it creates carries.</param>
/// <param name="RetentionInMs">The retention each task it creates carries; absent for the configured default.</param>
public sealed record ScheduledTaskResource(
    [property: JsonPropertyName("taskURL")] string TaskUrl, string Method, RetryResource? Retry, [property: JsonPropertyName("timeoutInMS")] long? TimeoutInMs, string Authentication,
    CallbackResource? Callback = null, [property: JsonPropertyName("retentionInMS")] long? RetentionInMs = null)
{
    /// <summary>Maps a scheduled call to the API's shape.</summary>
    public static ScheduledTaskResource From(ScheduledCall call) => new(
        call.Url, call.Method, call.Delivery is { } d ? RetryResource.From(d.Retry) : null, call.Delivery is { } t ? (long)t.Timeout.TotalMilliseconds : null,
        AuthenticationNames.NameOf(call.Delivery?.Authentication ?? TargetAuthentication.None),
        CallbackResource.From(call.Callback), call.Retention is { } retention ? (long)retention.TotalMilliseconds : null);
}

/// <summary>The orchestration each occurrence of a schedule creates: its steps' calls, check and fallback.</summary>
/// <param name="Tasks">Its steps' URLs and methods, in order.</param>
/// <param name="ConditionCheckUrl">Its default condition check's URL, if any.</param>
/// <param name="FallbackTaskUrl">Its default fallback, if any.</param>
/// <param name="Callback">The completion callback each orchestration it creates carries.</param>
public sealed record ScheduledOrchestrationResource(
    IReadOnlyList<ScheduledStepResource> Tasks, [property: JsonPropertyName("conditionCheckTaskURL")] string? ConditionCheckUrl, [property: JsonPropertyName("fallbackTaskURL")] string? FallbackTaskUrl,
    CallbackResource? Callback = null)
{
    /// <summary>Maps a scheduled orchestration to the API's shape.</summary>
    public static ScheduledOrchestrationResource From(ScheduledOrchestration o) =>
        new([.. o.Steps.Select(s => new ScheduledStepResource(s.Url, s.Method))], o.ConditionCheck?.Url, o.FallbackUrl, CallbackResource.From(o.Callback));
}

/// <summary>One step of a scheduled orchestration.</summary>
/// <param name="TaskUrl">The URL it calls.</param>
/// <param name="Method">The HTTP method.</param>
public sealed record ScheduledStepResource([property: JsonPropertyName("taskURL")] string TaskUrl, string Method);

/// <summary>One occurrence of a schedule: the run it created (and how that run ended so far), or why it was skipped.</summary>
/// <param name="ScheduledFor">The occurrence's instant (the run's due time); for a run triggered by hand, when it was asked for.</param>
/// <param name="TaskId">The task it created.</param>
/// <param name="OrchestrationId">The orchestration it created.</param>
/// <param name="Outcome">The run's status when known (Scheduled, Running, Completed, Failed, Cancelled).</param>
/// <param name="Skipped">True when no run was created.</param>
/// <param name="Reason">Why it was skipped (the previous run had not finished; missed while the service was down).</param>
/// <param name="Triggered">True for a run asked for by hand, outside the cadence.</param>
public sealed record ScheduleRunResource(
    DateTimeOffset ScheduledFor, Guid? TaskId, Guid? OrchestrationId, string? Outcome, bool? Skipped, string? Reason, bool? Triggered)
{
    /// <summary>Maps a run to the API's shape.</summary>
    public static ScheduleRunResource From(ScheduleRun run, string? outcome) => new(
        run.ScheduledFor, run.TaskId, run.OrchestrationId, outcome, run.Skipped is null ? null : true, run.Skipped, run.Triggered ? true : null);
}
