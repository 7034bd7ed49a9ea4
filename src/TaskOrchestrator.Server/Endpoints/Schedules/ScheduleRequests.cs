using System.Text.Json.Serialization;
using TaskOrchestrator.Server.Endpoints.Callbacks;
using TaskOrchestrator.Server.Endpoints.Orchestrations;
using TaskOrchestrator.Server.Endpoints.Tasks;

namespace TaskOrchestrator.Server.Endpoints.Schedules;

/// <summary>
/// The body of <c>POST /schedules</c>, and of <c>PATCH /schedules/{id}</c> where every field is optional and a field
/// given replaces the current one (from the next occurrence not yet created).
/// </summary>
public sealed record ScheduleRequest
{
    /// <summary>A cron expression: 5 fields (minute hour day-of-month month day-of-week), 6 with seconds first, or a macro such as <c>@hourly</c> or <c>@daily</c>. Give this or <c>everyInMS</c>.</summary>
    public string? Cron { get; init; }

    /// <summary>A fixed interval between occurrences, in milliseconds (at least the configured minimum, 1000 by default), counted from <c>startAt</c> (or the creation). Give this or <c>cron</c>.</summary>
    [JsonPropertyName("everyInMS")]
    public long? EveryInMs { get; init; }

    /// <summary>The IANA time zone the cron expression is read in, e.g. <c>Europe/Berlin</c>. Default <c>UTC</c>.</summary>
    public string? TimeZone { get; init; }

    /// <summary>No occurrence before this instant.</summary>
    public DateTimeOffset? StartAt { get; init; }

    /// <summary>No occurrence after this instant.</summary>
    public DateTimeOffset? EndAt { get; init; }

    /// <summary>True to create it paused (POST only; use the pause and resume routes later).</summary>
    public bool? Paused { get; init; }

    /// <summary><c>skip</c> (default): an occurrence whose previous run has not finished (retries included) is skipped and recorded; <c>allow</c>: it runs anyway.</summary>
    public string? Overlap { get; init; }

    /// <summary>What becomes of occurrences missed while the service was down: <c>none</c>, <c>latest</c> (default: the latest one runs at once) or <c>all</c> (within the window).</summary>
    public string? CatchUp { get; init; }

    /// <summary>How old, in milliseconds, a missed occurrence may be and still be caught up. Default 3600000 (1 hour); at most 7 days.</summary>
    [JsonPropertyName("catchUpWindowInMS")]
    public long? CatchUpWindowInMs { get; init; }

    /// <summary>The task each occurrence creates: the fields of <c>POST /tasks</c> but <c>delayInMS</c> and <c>runAt</c> (it is due on the occurrence).</summary>
    public CreateTaskRequest? Task { get; init; }

    /// <summary>The orchestration each occurrence creates: the body of <c>POST /orchestrations</c> but <c>initialDelayInMS</c> (it starts on the occurrence).</summary>
    public OrchestrationRequest? Orchestration { get; init; }

    /// <summary>Labels to find the schedule by, same rules as a task's; every run it creates carries them. On PATCH they replace all of them (for runs created from then on).</summary>
    public Dictionary<string, string?>? Labels { get; init; }

    /// <summary>
    /// The completion callback of every run the schedule creates (a schedule itself never ends): each task or
    /// orchestration is created carrying it, unless its own definition (<c>task.callback</c>, <c>orchestration.callback</c>)
    /// gives one. On PATCH it replaces the current one, for runs created from then on.
    /// </summary>
    public CallbackRequest? Callback { get; init; }
}
