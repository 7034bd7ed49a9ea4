using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;

namespace TaskOrchestrator.Server.Errors;

/// <summary>
/// Turns exceptions into ProblemDetails: a request the server could not read is the client's 4xx, something storage
/// refused for its size a 422, an unreachable cluster or storage a 503 with Retry-After, and anything else (storage
/// refusing a request itself included: retrying would not help) a 500 that reveals nothing.
/// </summary>
internal sealed partial class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail) = Classify(exception);
        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            LogUnavailable(exception);
            context.Response.Headers.RetryAfter = Faults.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        else if (status >= 500)
        {
            LogUnhandled(exception);
        }

        context.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }

    private static (int Status, string Title, string Detail) Classify(Exception exception) => exception switch
    {
        BadHttpRequestException { InnerException: JsonException json } => (400, "Malformed JSON", DescribeJsonError(json)),
        BadHttpRequestException bad when bad.StatusCode == 413 => (413, "Request body too large", bad.Message),
        BadHttpRequestException bad => (bad.StatusCode, "Bad request", bad.Message),
        _ when Faults.IsTooLarge(exception) =>
            (422, "Too large to store", "Storage refused the resource for its size; send a smaller body or fewer and shorter headers."),
        _ when Faults.IsUnavailable(exception) =>
            (503, "Service unavailable", $"The scheduler or its storage did not answer in time; retry in {Faults.RetryAfterSeconds} s."),
        _ => (500, "Internal server error", "An unexpected error occurred; it has been logged."),
    };

    private static string DescribeJsonError(JsonException json)
    {
        var path = string.IsNullOrEmpty(json.Path) || json.Path == "$" ? "the body" : $"'{json.Path.TrimStart('$', '.')}'";
        return json.Message.Contains("could not be mapped", StringComparison.Ordinal)
            ? $"Unknown field {path}."
            : json.Message.Contains("could not be converted", StringComparison.Ordinal)
                ? $"The value of {path} has the wrong type or format."
                : $"The request body is not valid JSON ({path}): {json.Message}";
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Answered 503: the cluster or storage is unavailable")]
    private partial void LogUnavailable(Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception")]
    private partial void LogUnhandled(Exception exception);
}
