using TaskOrchestrator.Callbacks;
using TaskOrchestrator.Orchestrations;
using TaskOrchestrator.Schedules;
using TaskOrchestrator.Server.Endpoints.Callbacks;
using TaskOrchestrator.Server.Endpoints.Orchestrations;
using TaskOrchestrator.Server.Endpoints.Tasks;
using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Server.Endpoints.Schedules;

/// <summary>
/// Checks schedule requests; every problem is named by its field's JSON path (the task's and orchestration's under
/// <c>task.</c> and <c>orchestration.</c>).
/// </summary>
internal static class ScheduleRequestValidator
{
    /// <summary>The parts of a valid request; a part the request did not give is null.</summary>
    public sealed record Parts(
        string? Cron, TimeSpan? Every, string? TimeZone, DateTimeOffset? StartAt, DateTimeOffset? EndAt, ScheduleOverlap? Overlap, ScheduleCatchUp? CatchUp,
        TimeSpan? CatchUpWindow, ScheduleTarget? Target, string? CheckUrlField = null, CompletionCallback? Callback = null)
    {
        /// <summary>True when nothing at all was given (an empty PATCH).</summary>
        public bool IsEmpty => this with { CheckUrlField = null } == new Parts(null, null, null, null, null, null, null, null, null);

        /// <summary>The targets whose URLs the network policy and the SigV4 allowlist check, named by their JSON paths.</summary>
        public IEnumerable<TargetUrlGuard.Target> Targets()
        {
            if (Target?.Task is { } call)
            {
                var task = new TaskDefinition("", call.Url, call.Method, null, null, default, default, Delivery: call.Delivery, Callback: call.Callback);
                foreach (var target in TargetUrlGuard.TargetsOf(task))
                {
                    yield return target with { Field = "task." + target.Field };
                }
            }

            if (Callback is { } callback)
            {
                yield return new("callback.url", callback.Url, null);
            }

            if (Target?.Orchestration is { } o)
            {
                var orchestration = new OrchestrationDefinition("", default, default, o.Steps, o.ConditionCheck, o.FallbackUrl, o.Delivery, Callback: o.Callback);
                foreach (var target in TargetUrlGuard.TargetsOf(orchestration, CheckUrlField ?? "conditionCheck.taskURL"))
                {
                    yield return target with { Field = "orchestration." + target.Field };
                }
            }
        }
    }

    /// <summary>
    /// Checks <paramref name="request"/>: a create (<paramref name="create"/>) must give a cadence and a target; a change
    /// may give any field. The cadence it makes must fire at least once more, no more often than
    /// <see cref="ScheduleOptions.MinimumInterval"/>.
    /// </summary>
    public static Dictionary<string, string[]> Validate(
        ScheduleRequest request, bool create, DeliveryPolicy defaults, ScheduleOptions options, long maxCallsPerOrchestration, DateTimeOffset now, out Parts parts)
    {
        var errors = new Dictionary<string, string[]>();
        Labels.LabelRules.Validate(request.Labels, errors);
        CallbackRequestValidator.Validate(request.Callback, null, "", errors);
        if (create ? request.Cron is null == request.EveryInMs is null : request.Cron is not null && request.EveryInMs is not null)
        {
            errors["cron"] = [create ? "Give exactly one of cron or everyInMS." : "Give cron or everyInMS, not both."];
        }

        TimeSpan? every = null;
        if (request.EveryInMs is { } ms)
        {
            if (ms < options.MinimumInterval.TotalMilliseconds || ms > TimeSpan.FromDays(366).TotalMilliseconds)
            {
                errors["everyInMS"] = [$"everyInMS must be from {options.MinimumInterval.TotalMilliseconds:0} (the configured minimum) to {TimeSpan.FromDays(366).TotalMilliseconds:0} (366 days)."];
            }
            else
            {
                every = TimeSpan.FromMilliseconds(ms);
            }
        }

        if (request.Cron is { Length: > 256 })
        {
            errors["cron"] = ["cron may be at most 256 characters."];
        }

        if (request.TimeZone is { } zone && !Cadence.TryFindZone(zone, out _))
        {
            errors["timeZone"] = [$"'{Bounded(zone)}' is not a time zone this service knows: use an IANA id such as Europe/Berlin, America/New_York or UTC."];
        }

        if (request.StartAt is { } start && request.EndAt is { } end && end <= start)
        {
            errors["endAt"] = ["endAt must be after startAt."];
        }
        else if (request.EndAt is { } ending && ending <= now)
        {
            errors["endAt"] = ["endAt must be in the future."];
        }

        var overlap = request.Overlap switch
        {
            null => (ScheduleOverlap?)null,
            var o when o.Equals("skip", StringComparison.OrdinalIgnoreCase) => ScheduleOverlap.Skip,
            var o when o.Equals("allow", StringComparison.OrdinalIgnoreCase) => ScheduleOverlap.Allow,
            _ => Error(errors, "overlap", "overlap is skip or allow."),
        };
        var catchUp = request.CatchUp switch
        {
            null => (ScheduleCatchUp?)null,
            var c when c.Equals("none", StringComparison.OrdinalIgnoreCase) => ScheduleCatchUp.None,
            var c when c.Equals("latest", StringComparison.OrdinalIgnoreCase) => ScheduleCatchUp.Latest,
            var c when c.Equals("all", StringComparison.OrdinalIgnoreCase) => ScheduleCatchUp.All,
            _ => Error<ScheduleCatchUp>(errors, "catchUp", "catchUp is none, latest or all."),
        };
        TimeSpan? window = null;
        if (request.CatchUpWindowInMs is { } windowMs)
        {
            if (windowMs < 0 || windowMs > options.MaxCatchUpWindow.TotalMilliseconds)
            {
                errors["catchUpWindowInMS"] = [$"catchUpWindowInMS must be from 0 to {options.MaxCatchUpWindow.TotalMilliseconds:0}."];
            }
            else
            {
                window = TimeSpan.FromMilliseconds(windowMs);
            }
        }

        var (target, checkUrlField) = ValidateTarget(request, create, defaults, maxCallsPerOrchestration, errors);
        parts = new Parts(
            request.Cron, every, request.TimeZone, request.StartAt, request.EndAt, overlap, catchUp, window, target, checkUrlField,
            errors.ContainsKey("callback.url") || errors.ContainsKey("callback.on") ? null : request.Callback.ToCallback());
        if (create && errors.Count == 0)
        {
            CheckCadence(request.Cron, every, request.TimeZone ?? "UTC", request.StartAt ?? now, request.StartAt, request.EndAt, options, now, errors);
        }

        return errors;
    }

    /// <summary>
    /// Checks the cadence a definition has: it can be read, fires at least once after <paramref name="now"/>, and no
    /// more often than the minimum interval. Problems go under <c>cron</c> (or <c>everyInMS</c>).
    /// </summary>
    public static void CheckCadence(
        string? cron, TimeSpan? every, string timeZone, DateTimeOffset anchor, DateTimeOffset? start, DateTimeOffset? end, ScheduleOptions options, DateTimeOffset now,
        Dictionary<string, string[]> errors)
    {
        var field = cron is not null ? "cron" : "everyInMS";
        if (!Cadence.TryParse(cron, every, timeZone, anchor, start, end, out var cadence, out var problem))
        {
            // The problem quotes the expression (at most 256 characters, checked before) and the parser's reason: keep both whole.
            errors[field] = [Bounded(problem, 512)];
            return;
        }

        if (cadence.Next(now) is null)
        {
            errors[field] = [end is not null ? "This schedule never fires: no occurrence comes before endAt." : "This cron expression never fires."];
            return;
        }

        if (cron is not null && cadence.ShortestGap(now, 100) is { } gap && gap < options.MinimumInterval)
        {
            errors[field] = [$"'{Bounded(cron)}' fires every {gap.TotalMilliseconds:0} ms; the configured minimum interval is {options.MinimumInterval.TotalMilliseconds:0} ms."];
        }
    }

    private static (ScheduleTarget? Target, string? CheckUrlField) ValidateTarget(
        ScheduleRequest request, bool create, DeliveryPolicy defaults, long maxCallsPerOrchestration, Dictionary<string, string[]> errors)
    {
        if (request.Task is not null && request.Orchestration is not null)
        {
            errors["task"] = ["Give task or orchestration, not both."];
            return (null, null);
        }

        if (request.Task is { } task)
        {
            var taskErrors = new Dictionary<string, string[]>();
            if (task.DelayInMs is not null || task.RunAt is not null)
            {
                taskErrors["delayInMS"] = ["A schedule's task is due on each occurrence: give neither delayInMS nor runAt."];
            }

            if (task.Labels is not null)
            {
                taskErrors["labels"] = [LabelsOnSchedule];
            }

            DeliveryRequestValidator.Validate(task, defaults.Retry, "", taskErrors);
            TaskRequestValidator.ValidateUrl(task.TaskUrl, taskErrors);
            TaskRequestValidator.ValidateMethod(task.Method, taskErrors);
            if (task.Headers is { } headers)
            {
                TaskRequestValidator.ValidateHeaders(headers, taskErrors);
            }

            CallbackRequestValidator.Validate(task.Callback, task.RetentionInMs, "", taskErrors);

            Merge(errors, "task.", taskErrors);
            return taskErrors.Count > 0
                ? (null, null)
                : (new ScheduleTarget(new ScheduledCall(task.TaskUrl!, CallMethods.Normalize(task.Method, "POST"), task.Headers, task.Body, task.ToDeliveryPolicy(defaults),
                    task.Callback.ToCallback(), CallbackRequestValidator.ToRetention(task.RetentionInMs)), null), null);
        }

        if (request.Orchestration is { } orchestration)
        {
            var input = NormalizedOrchestrationRequest.From(orchestration);
            var orchestrationErrors = OrchestrationRequestValidator.ValidateCreate(input, defaults.Retry);
            if (orchestration.InitialDelayInMs is not null)
            {
                orchestrationErrors["initialDelayInMS"] = ["A schedule's orchestration starts on each occurrence: give no initialDelayInMS."];
            }

            if (orchestration.Labels is not null)
            {
                orchestrationErrors["labels"] = [LabelsOnSchedule];
            }

            Merge(errors, "orchestration.", orchestrationErrors);
            if (orchestrationErrors.Count > 0)
            {
                return (null, null);
            }

            var definition = input.Request.ToDefinition("", default, defaults);
            var calls = OrchestrationWork.MaxCalls(definition);
            if (calls > maxCallsPerOrchestration)
            {
                errors["orchestration"] = [OrchestrationWork.Refusal(calls, maxCallsPerOrchestration)];
            }

            return (new ScheduleTarget(null, new ScheduledOrchestration(definition.Steps, definition.ConditionCheck, definition.FallbackUrl, definition.Delivery, definition.Callback)),
                input.DefaultCheck.Url);
        }

        if (create)
        {
            errors["task"] = ["Give what each occurrence runs: task (the fields of POST /tasks) or orchestration (the body of POST /orchestrations)."];
        }

        return (null, null);
    }

    private const string LabelsOnSchedule = "Give labels on the schedule itself: every run it creates carries them.";

    private static void Merge(Dictionary<string, string[]> errors, string prefix, Dictionary<string, string[]> inner)
    {
        foreach (var (field, problems) in inner)
        {
            errors[prefix + field] = problems;
        }
    }

    private static T? Error<T>(Dictionary<string, string[]> errors, string field, string problem)
        where T : struct
    {
        errors[field] = [problem];
        return null;
    }

    private static ScheduleOverlap? Error(Dictionary<string, string[]> errors, string field, string problem) => Error<ScheduleOverlap>(errors, field, problem);

    // Text a caller sent, echoed in a problem: cut to a sane length.
    private static string Bounded(string text, int max = 128) => text.Length <= max ? text : text[..max] + "…";
}
