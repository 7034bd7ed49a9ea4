using TaskOrchestrator.Server.Endpoints.Callbacks;
using TaskOrchestrator.Server.Endpoints.Labels;
using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Server.Endpoints.Tasks;

/// <summary>Checks task requests; every problem is named by its field's JSON path. <see cref="TaskRequestMapping"/> maps valid ones.</summary>
internal static class TaskRequestValidator
{
    /// <summary>The farthest ahead a due time may be.</summary>
    public static readonly TimeSpan MaxHorizon = TimeSpan.FromDays(366);

    // Headers the HTTP stack owns; letting a task set them would corrupt the request.
    private static readonly HashSet<string> ReservedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive", "Upgrade", "TE", "Trailer", "Proxy-Connection",
    };

    private const int MaxUrlLength = 2048;
    private const int MaxHeaders = 64;

    /// <summary>
    /// Checks a <c>POST /tasks</c> made at <paramref name="now"/>; its retry policy is checked merged over
    /// <paramref name="defaultRetry"/> (the configured one).
    /// </summary>
    public static Dictionary<string, string[]> ValidateCreate(CreateTaskRequest request, RetryPolicy defaultRetry, DateTimeOffset now)
    {
        var errors = new Dictionary<string, string[]>();
        DeliveryRequestValidator.Validate(request, defaultRetry, "", errors);
        ValidateUrl(request.TaskUrl, errors);
        ValidateDueTime(request.DelayInMs, request.RunAt, now, errors);
        ValidateMethod(request.Method, errors);
        LabelRules.Validate(request.Labels, errors);
        if (request.Headers is { } headers)
        {
            ValidateHeaders(headers, errors);
        }

        CallbackRequestValidator.Validate(request.Callback, request.RetentionInMs, "", errors);
        return errors;
    }

    /// <summary>
    /// Checks a PATCH: new labels, and/or exactly one of <c>delayInMS</c> (counted from the task's creation, which the grain
    /// knows) or <c>runAt</c>, within 366 days.
    /// </summary>
    public static Dictionary<string, string[]> ValidateUpdate(UpdateTaskRequest request, DateTimeOffset now)
    {
        var errors = new Dictionary<string, string[]>();
        LabelRules.Validate(request.Labels, errors);
        if (request.Labels is null || request.DelayInMs is not null || request.RunAt is not null)
        {
            ValidateDueTime(request.DelayInMs, request.RunAt, now, errors);
        }

        return errors;
    }

    /// <summary>Checks the optional body of <c>POST /tasks/{id}/rerun</c>: at most one of <c>delayInMS</c> (from now) or <c>runAt</c>.</summary>
    public static Dictionary<string, string[]> ValidateRerun(RerunTaskRequest? request, DateTimeOffset now)
    {
        var errors = new Dictionary<string, string[]>();
        if (request is not null && (request.DelayInMs is not null || request.RunAt is not null))
        {
            ValidateDueTime(request.DelayInMs, request.RunAt, now, errors);
        }

        return errors;
    }

    /// <summary>A required absolute http(s) URL; problems are reported under <paramref name="field"/>.</summary>
    internal static void ValidateUrl(string? url, Dictionary<string, string[]> errors, string field = "taskURL")
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            errors[field] = [$"{field} is required."];
        }
        else if (url.Length > MaxUrlLength)
        {
            errors[field] = [$"{field} may be at most {MaxUrlLength} characters."];
        }
        else if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            errors[field] = [$"'{url}' is not an absolute URL."];
        }
        else if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
        {
            errors[field] = [$"The scheme '{uri.Scheme}' is not allowed; use http or https."];
        }
    }

    /// <summary>An HTTP method, when given, that <see cref="CallMethods"/> allows; problems are reported under <paramref name="field"/>.</summary>
    internal static void ValidateMethod(string? method, Dictionary<string, string[]> errors, string field = "method")
    {
        if (method is not null && !CallMethods.IsAllowed(method))
        {
            errors[field] = [$"'{method}' is not supported; use one of {string.Join(", ", CallMethods.Allowed)}."];
        }
    }

    /// <summary>Request headers a task may send; problems are reported under <paramref name="field"/>.</summary>
    internal static void ValidateHeaders(Dictionary<string, string> headers, Dictionary<string, string[]> errors, string field = "headers")
    {
        if (headers.Count > MaxHeaders)
        {
            errors[field] = [$"At most {MaxHeaders} headers are allowed."];
            return;
        }

        var problems = new List<string>();
        foreach (var (name, value) in headers)
        {
            if (ReservedHeaders.Contains(name))
            {
                problems.Add($"'{name}' is set by the scheduler and cannot be given.");
            }
            else if (value is null || value.AsSpan().IndexOfAny('\r', '\n') >= 0)
            {
                problems.Add($"The value of '{name}' must be a single line.");
            }
            else if (!IsHeaderName(name))
            {
                problems.Add($"'{name}' is not a valid header name.");
            }
        }

        if (problems.Count > 0)
        {
            errors[field] = [.. problems];
        }
    }

    /// <summary>Exactly one of a delay (counted from <paramref name="now"/>) or an instant, at most 366 days ahead.</summary>
    private static void ValidateDueTime(long? delayInMs, DateTimeOffset? runAt, DateTimeOffset now, Dictionary<string, string[]> errors)
    {
        if (delayInMs is null == runAt is null)
        {
            errors["delayInMS"] = ["Give exactly one of delayInMS or runAt."];
        }
        else if (delayInMs is < 0)
        {
            errors["delayInMS"] = ["delayInMS must not be negative."];
        }
        else if (delayInMs > MaxHorizon.TotalMilliseconds)
        {
            errors["delayInMS"] = [$"delayInMS may be at most {(long)MaxHorizon.TotalMilliseconds} (366 days)."];
        }
        else if ((delayInMs is { } delay ? now.AddMilliseconds(delay) : runAt!.Value) > now + MaxHorizon)
        {
            errors[delayInMs is null ? "runAt" : "delayInMS"] = ["The due time may be at most 366 days away."];
        }
    }

    // RFC 9110 token characters.
    private static bool IsHeaderName(string name) =>
        name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c));
}
