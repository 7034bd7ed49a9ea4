using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Server.Endpoints.Tasks;

/// <summary>Checks task requests and turns them into due times; every problem is named by the field it concerns.</summary>
internal static class TaskRequestValidator
{
    public static readonly TimeSpan MaxHorizon = TimeSpan.FromDays(366);

    internal static readonly HashSet<string> Methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

    // Headers the HTTP stack owns; letting a task set them would corrupt the request.
    private static readonly HashSet<string> ReservedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive", "Upgrade", "TE", "Trailer", "Proxy-Connection",
    };

    private const int MaxUrlLength = 2048;
    private const int MaxHeaders = 64;

    public static Dictionary<string, string[]> ValidateCreate(
        CreateTaskRequest request, DateTimeOffset now, DeliveryPolicy defaults, out DateTimeOffset dueAt, out DeliveryPolicy delivery)
    {
        var errors = new Dictionary<string, string[]>();
        delivery = DeliveryRequestValidator.Validate(request.Retry, request.TimeoutInMs, request.Authentication, defaults, "", errors);
        ValidateUrl(request.TaskUrl, errors);
        dueAt = ValidateDueTime(request.DelayInMs, request.RunAt, now, now, errors);

        if (request.Method is { } method && !Methods.Contains(method.ToUpperInvariant()))
        {
            errors["method"] = [$"'{method}' is not supported; use one of {string.Join(", ", Methods)}."];
        }

        if (request.Headers is { } headers)
        {
            ValidateHeaders(headers, errors);
        }

        return errors;
    }

    /// <summary>
    /// Checks a PATCH: exactly one of <c>delayInMS</c> (counted from the task's creation, which the grain knows) or
    /// <c>runAt</c>, within 366 days.
    /// </summary>
    public static Dictionary<string, string[]> ValidateUpdate(UpdateTaskRequest request, DateTimeOffset now, out DueTimeChange dueTime)
    {
        var errors = new Dictionary<string, string[]>();
        var at = ValidateDueTime(request.DelayInMs, request.RunAt, now, now, errors);
        dueTime = request.DelayInMs is { } delay && errors.Count == 0 ? new DueTimeChange(null, TimeSpan.FromMilliseconds(delay)) : new DueTimeChange(at);
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

    /// <summary>
    /// Exactly one of a delay (counted from <paramref name="origin"/>) or an instant; the result is never before
    /// <paramref name="now"/> (a past time means "run now") and at most 366 days ahead.
    /// </summary>
    private static DateTimeOffset ValidateDueTime(long? delayInMs, DateTimeOffset? runAt, DateTimeOffset origin, DateTimeOffset now, Dictionary<string, string[]> errors)
    {
        DateTimeOffset requested;
        if (delayInMs is null == runAt is null)
        {
            errors["delayInMS"] = ["Give exactly one of delayInMS or runAt."];
            return now;
        }

        if (delayInMs is { } delay)
        {
            if (delay < 0)
            {
                errors["delayInMS"] = ["delayInMS must not be negative."];
                return now;
            }

            if (delay > MaxHorizon.TotalMilliseconds)
            {
                errors["delayInMS"] = [$"delayInMS may be at most {(long)MaxHorizon.TotalMilliseconds} (366 days)."];
                return now;
            }

            requested = origin.AddMilliseconds(delay);
        }
        else
        {
            requested = runAt!.Value;
        }

        if (requested > now + MaxHorizon)
        {
            errors[delayInMs is null ? "runAt" : "delayInMS"] = ["The due time may be at most 366 days away."];
            return now;
        }

        return requested < now ? now : requested.ToUniversalTime();
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

    // RFC 9110 token characters.
    private static bool IsHeaderName(string name) =>
        name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c));
}
