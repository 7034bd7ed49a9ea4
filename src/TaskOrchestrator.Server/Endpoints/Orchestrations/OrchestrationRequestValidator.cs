using System.Globalization;
using TaskOrchestrator.Orchestrations;
using TaskOrchestrator.Server.Endpoints.Tasks;
using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Server.Endpoints.Orchestrations;

/// <summary>Checks orchestration requests and turns them into grain contracts; every problem is named by its field's JSON path.</summary>
internal static class OrchestrationRequestValidator
{
    /// <summary>Most steps an orchestration may have.</summary>
    public const int MaxTasks = 1000;

    /// <summary>Most retries a condition check may have.</summary>
    public const int MaxRetries = 100;

    private static readonly long MaxDelayMs = (long)TaskRequestValidator.MaxHorizon.TotalMilliseconds;

    /// <summary>The parts of a valid request; a part the request did not give is null.</summary>
    public sealed record Parts(
        long? InitialDelayMs, IReadOnlyList<OrchestrationStepDefinition>? Steps, ConditionCheckDefinition? ConditionCheck, string? FallbackUrl, DeliveryPolicy? Delivery);

    /// <summary>
    /// Checks <paramref name="request"/>; delivery settings not given fall back to the orchestration's, then to
    /// <paramref name="defaults"/> (the configured ones).
    /// </summary>
    public static Dictionary<string, string[]> Validate(OrchestrationRequest request, bool requireTasks, DeliveryPolicy defaults, out Parts parts)
    {
        var errors = new Dictionary<string, string[]>();
        DeliveryPolicy? delivery = null;
        if (request.Retry is not null || request.TimeoutInMs is not null || request.Authentication is not null)
        {
            delivery = DeliveryRequestValidator.Validate(request.Retry, request.TimeoutInMs, request.Authentication, defaults, "", errors);
        }

        var inherited = delivery ?? defaults;
        var delay = request.InitialDelayInMs;
        if (delay is < 0 || delay > MaxDelayMs)
        {
            errors["initialDelayInMS"] = [$"initialDelayInMS must be from 0 to {MaxDelayMs} (366 days)."];
        }

        var steps = ValidateSteps(request.Tasks, requireTasks, inherited, errors);
        var check = ValidateDefaultCheck(request, inherited, errors);
        if (request.FallbackTaskUrl is not null)
        {
            TaskRequestValidator.ValidateUrl(request.FallbackTaskUrl, errors, "fallbackTaskURL");
        }

        parts = new Parts(delay, steps, check, request.FallbackTaskUrl, delivery);
        return errors;
    }

    private static List<OrchestrationStepDefinition>? ValidateSteps(
        List<OrchestrationTaskRequest?>? tasks, bool required, DeliveryPolicy inherited, Dictionary<string, string[]> errors)
    {
        if (tasks is null)
        {
            if (required)
            {
                errors["tasks"] = [$"tasks is required: a list of 1 to {MaxTasks} steps."];
            }

            return null;
        }

        if (tasks.Count is 0 or > MaxTasks)
        {
            errors["tasks"] = [$"tasks must have 1 to {MaxTasks} entries; it has {tasks.Count}."];
            return null;
        }

        var steps = new List<OrchestrationStepDefinition>(tasks.Count);
        for (var i = 0; i < tasks.Count; i++)
        {
            var path = string.Create(CultureInfo.InvariantCulture, $"tasks[{i}]");
            if (tasks[i] is not { } task)
            {
                errors[path] = [$"{path} must be an object with a taskURL."];
                continue;
            }

            TaskRequestValidator.ValidateUrl(task.TaskUrl, errors, $"{path}.taskURL");
            var method = ValidateMethod(task.Method, "POST", $"{path}.method", errors);
            if (task.Headers is { } headers)
            {
                TaskRequestValidator.ValidateHeaders(headers, errors, $"{path}.headers");
            }

            var delivery = DeliveryRequestValidator.Validate(task.Retry, task.TimeoutInMs, task.Authentication, inherited, $"{path}.", errors);
            var check = task.ConditionCheck is { } c ? ValidateCheck(c, CheckFields.Under($"{path}.conditionCheck"), inherited, errors) : null;
            if (task.FallbackTaskUrl is not null)
            {
                TaskRequestValidator.ValidateUrl(task.FallbackTaskUrl, errors, $"{path}.fallbackTaskURL");
            }

            steps.Add(new OrchestrationStepDefinition(task.TaskUrl ?? "", method, task.Headers, task.Body, check, task.FallbackTaskUrl, delivery));
        }

        return steps;
    }

    /// <summary>The orchestration-wide check, from <c>conditionCheck</c> and/or the older top-level names (never both for one setting).</summary>
    private static ConditionCheckDefinition? ValidateDefaultCheck(OrchestrationRequest request, DeliveryPolicy inherited, Dictionary<string, string[]> errors)
    {
        var given = request.ConditionCheck;
        var old = (Url: request.ConditionCheckTaskUrl, Delay: request.TimeDelayForConditionCheck, Retries: request.ConditionCheckRetries, RetryDelay: request.TimeDelayBetweenRetries);
        if (given is null && old is (null, null, null, null))
        {
            return null;
        }

        Both("conditionCheckTaskURL", old.Url, "conditionCheck.taskURL", given?.TaskUrl, errors);
        Both("timeDelayForConditionCheck", old.Delay, "conditionCheck.delayInMS", given?.DelayInMs, errors);
        Both("conditionCheckRetries", old.Retries, "conditionCheck.retries", given?.Retries, errors);
        Both("timeDelayBetweenRetries", old.RetryDelay, "conditionCheck.retryDelayInMS", given?.RetryDelayInMs, errors);
        var merged = (given ?? new ConditionCheckRequestBody()) with
        {
            TaskUrl = given?.TaskUrl ?? old.Url,
            DelayInMs = given?.DelayInMs ?? old.Delay,
            Retries = given?.Retries ?? old.Retries,
            RetryDelayInMs = given?.RetryDelayInMs ?? old.RetryDelay,
        };
        // Problems are named by the field the caller used for each setting.
        // (With no conditionCheck object at all, a missing setting is named by its older name too.)
        string Name(bool usedOld, string oldName, string name) => usedOld || given is null ? oldName : $"conditionCheck.{name}";
        var names = new CheckFields(
            Name(given?.TaskUrl is null && old.Url is not null, "conditionCheckTaskURL", "taskURL"),
            "conditionCheck.method",
            Name(given?.DelayInMs is null && old.Delay is not null, "timeDelayForConditionCheck", "delayInMS"),
            Name(given?.Retries is null && old.Retries is not null, "conditionCheckRetries", "retries"),
            Name(given?.RetryDelayInMs is null && old.RetryDelay is not null, "timeDelayBetweenRetries", "retryDelayInMS"));
        return ValidateCheck(merged, names, inherited, errors);
    }

    private static ConditionCheckDefinition ValidateCheck(ConditionCheckRequestBody check, CheckFields fields, DeliveryPolicy inherited, Dictionary<string, string[]> errors)
    {
        var prefix = fields.Url[..^"taskURL".Length];
        if (!prefix.EndsWith('.'))
        {
            // Only the older top-level names were used: the delivery fields of a check live under conditionCheck.
            prefix = "conditionCheck.";
        }

        var delivery = DeliveryRequestValidator.Validate(check.Retry, check.TimeoutInMs, check.Authentication, inherited, prefix, errors);
        TaskRequestValidator.ValidateUrl(check.TaskUrl, errors, fields.Url);
        var method = ValidateMethod(check.Method, "GET", fields.Method, errors);
        var delay = ValidateDelay(check.DelayInMs, 0, fields.Delay, errors);
        var retryDelay = ValidateDelay(check.RetryDelayInMs, 1000, fields.RetryDelay, errors);
        var retries = check.Retries ?? 0;
        if (retries is < 0 or > MaxRetries)
        {
            errors[fields.Retries] = [$"{fields.Retries} must be from 0 to {MaxRetries}."];
        }

        return new ConditionCheckDefinition(check.TaskUrl ?? "", method, delay, retries, retryDelay, delivery);
    }

    private static TimeSpan ValidateDelay(long? value, long defaultMs, string field, Dictionary<string, string[]> errors)
    {
        var ms = value ?? defaultMs;
        if (ms < 0 || ms > MaxDelayMs)
        {
            errors[field] = [$"{field} must be from 0 to {MaxDelayMs} (366 days)."];
            return TimeSpan.Zero;
        }

        return TimeSpan.FromMilliseconds(ms);
    }

    private static string ValidateMethod(string? method, string defaultMethod, string field, Dictionary<string, string[]> errors)
    {
        if (method is null)
        {
            return defaultMethod;
        }

        if (!TaskRequestValidator.Methods.Contains(method.ToUpperInvariant()))
        {
            errors[field] = [$"'{method}' is not supported; use one of {string.Join(", ", TaskRequestValidator.Methods)}."];
        }

        return method.ToUpperInvariant();
    }

    private static void Both<T>(string oldName, T? oldValue, string newName, T? newValue, Dictionary<string, string[]> errors)
    {
        if (oldValue is not null && newValue is not null)
        {
            errors[oldName] = [$"Give {newName} or {oldName} (its older name), not both."];
        }
    }

    /// <summary>The JSON paths a check's settings are reported under.</summary>
    private sealed record CheckFields(string Url, string Method, string Delay, string Retries, string RetryDelay)
    {
        public static CheckFields Under(string path) =>
            new($"{path}.taskURL", $"{path}.method", $"{path}.delayInMS", $"{path}.retries", $"{path}.retryDelayInMS");
    }
}
