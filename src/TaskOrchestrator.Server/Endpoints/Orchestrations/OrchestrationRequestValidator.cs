using System.Globalization;
using TaskOrchestrator.Server.Endpoints.Tasks;
using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Server.Endpoints.Orchestrations;

/// <summary>
/// Checks orchestration requests (in their one shape, <see cref="NormalizedOrchestrationRequest"/>); every problem is
/// named by its field's JSON path. <see cref="OrchestrationRequestMapping"/> maps valid ones.
/// </summary>
internal static class OrchestrationRequestValidator
{
    /// <summary>Most steps an orchestration may have.</summary>
    public const int MaxTasks = 1000;

    /// <summary>Most retries a condition check may have.</summary>
    public const int MaxRetries = 100;

    private static readonly long MaxDelayMs = (long)TaskRequestValidator.MaxHorizon.TotalMilliseconds;

    /// <summary>Checks a <c>POST /orchestrations</c>; retry policies are checked merged over <paramref name="defaultRetry"/> (the configured one).</summary>
    public static Dictionary<string, string[]> ValidateCreate(NormalizedOrchestrationRequest input, RetryPolicy defaultRetry) =>
        Validate(input, defaultRetry, tasksRequired: true);

    /// <summary>Checks a <c>PATCH /orchestrations/{id}</c>: every field is optional, but one at least must be given.</summary>
    public static Dictionary<string, string[]> ValidateChange(NormalizedOrchestrationRequest input, RetryPolicy defaultRetry)
    {
        var errors = Validate(input, defaultRetry, tasksRequired: false);
        var request = input.Request;
        if (request.RetentionInMs is not null)
        {
            errors["retentionInMS"] = ["retentionInMS is set when the orchestration is created; it cannot be changed."];
        }

        if (request.Callback is not null)
        {
            errors["callback"] = ["callback is given when the orchestration is created; it cannot be changed."];
        }

        if (errors.Count == 0 && request is
            { InitialDelayInMs: null, Tasks: null, ConditionCheck: null, FallbackTaskUrl: null, Retry: null, TimeoutInMs: null, Authentication: null, Labels: null })
        {
            errors["body"] = ["Give at least one of initialDelayInMS, tasks, conditionCheck (or its older names) fallbackTaskURL, retry, timeoutInMS, authentication or labels."];
        }

        return errors;
    }

    private static Dictionary<string, string[]> Validate(NormalizedOrchestrationRequest input, RetryPolicy defaultRetry, bool tasksRequired)
    {
        var request = input.Request;
        var errors = new Dictionary<string, string[]>();
        DeliveryRequestValidator.Validate(request, defaultRetry, "", errors);
        Labels.LabelRules.Validate(request.Labels, errors);
        Callbacks.CallbackRequestValidator.Validate(tasksRequired ? request.Callback : null, request.RetentionInMs, "", errors);

        // Steps and checks inherit the orchestration's retry policy as it is given, valid or not.
        var inheritedRetry = request.Retry?.ToPolicy(defaultRetry) ?? defaultRetry;
        if (request.InitialDelayInMs is < 0 || request.InitialDelayInMs > MaxDelayMs)
        {
            errors["initialDelayInMS"] = [$"initialDelayInMS must be from 0 to {MaxDelayMs} (366 days)."];
        }

        ValidateSteps(request.Tasks, tasksRequired, inheritedRetry, errors);
        foreach (var (older, current) in input.NamedTwice)
        {
            errors[older] = [$"Give {current} or {older} (its older name), not both."];
        }

        if (request.ConditionCheck is { } check)
        {
            ValidateCheck(check, input.DefaultCheck, inheritedRetry, errors);
        }

        if (request.FallbackTaskUrl is not null)
        {
            TaskRequestValidator.ValidateUrl(request.FallbackTaskUrl, errors, "fallbackTaskURL");
        }

        return errors;
    }

    private static void ValidateSteps(List<OrchestrationTaskRequest?>? tasks, bool required, RetryPolicy inheritedRetry, Dictionary<string, string[]> errors)
    {
        if (tasks is null)
        {
            if (required)
            {
                errors["tasks"] = [$"tasks is required: a list of 1 to {MaxTasks} steps."];
            }

            return;
        }

        if (tasks.Count is 0 or > MaxTasks)
        {
            errors["tasks"] = [$"tasks must have 1 to {MaxTasks} entries; it has {tasks.Count}."];
            return;
        }

        for (var i = 0; i < tasks.Count; i++)
        {
            var path = string.Create(CultureInfo.InvariantCulture, $"tasks[{i}]");
            if (tasks[i] is not { } task)
            {
                errors[path] = [$"{path} must be an object with a taskURL."];
                continue;
            }

            TaskRequestValidator.ValidateUrl(task.TaskUrl, errors, $"{path}.taskURL");
            TaskRequestValidator.ValidateMethod(task.Method, errors, $"{path}.method");
            if (task.Headers is { } headers)
            {
                TaskRequestValidator.ValidateHeaders(headers, errors, $"{path}.headers");
            }

            DeliveryRequestValidator.Validate(task, inheritedRetry, $"{path}.", errors);
            if (task.ConditionCheck is { } check)
            {
                ValidateCheck(check, ConditionCheckFields.Under($"{path}.conditionCheck"), inheritedRetry, errors);
            }

            if (task.FallbackTaskUrl is not null)
            {
                TaskRequestValidator.ValidateUrl(task.FallbackTaskUrl, errors, $"{path}.fallbackTaskURL");
            }
        }
    }

    private static void ValidateCheck(ConditionCheckRequestBody check, ConditionCheckFields fields, RetryPolicy inheritedRetry, Dictionary<string, string[]> errors)
    {
        DeliveryRequestValidator.Validate(check, inheritedRetry, fields.DeliveryPrefix, errors);
        TaskRequestValidator.ValidateUrl(check.TaskUrl, errors, fields.Url);
        TaskRequestValidator.ValidateMethod(check.Method, errors, fields.Method);
        ValidateDelay(check.DelayInMs, fields.Delay, errors);
        ValidateDelay(check.RetryDelayInMs, fields.RetryDelay, errors);
        if (check.Retries is < 0 or > MaxRetries)
        {
            errors[fields.Retries] = [$"{fields.Retries} must be from 0 to {MaxRetries}."];
        }
    }

    private static void ValidateDelay(long? ms, string field, Dictionary<string, string[]> errors)
    {
        if (ms is < 0 || ms > MaxDelayMs)
        {
            errors[field] = [$"{field} must be from 0 to {MaxDelayMs} (366 days)."];
        }
    }
}
