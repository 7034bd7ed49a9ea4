using System.Diagnostics;
using TaskOrchestrator.Server.Auth;

namespace TaskOrchestrator.Server.Telemetry;

/// <summary>
/// One Debug line per request: method, path, status code, duration and the caller's subject. Never headers or bodies
/// (they carry bearer tokens and the targets' credentials), nor the query string (a caller may put a credential there by
/// mistake; this API's own parameters are in the Link headers it returns). Costs one level check when Debug is off.
/// </summary>
/// <remarks>
/// ASP.NET's <c>AddHttpLogging</c> can log the same fields (the subject through an <c>IHttpLoggingInterceptor</c>), but
/// writes each request as a block of <c>Name: value</c> lines under its own category, not as this one line
/// (<c>GET /tasks answered 200 in 1.2 ms (subject …)</c>) that operators and the logging tests search for.
/// </remarks>
internal sealed partial class RequestLoggingMiddleware(RequestDelegate next, ILogger<RequestLoggingMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (!logger.IsEnabled(LogLevel.Debug))
        {
            await next(context);
            return;
        }

        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            var request = context.Request;
            LogRequest(
                request.Method,
                request.Path.Value ?? "",
                context.Response.StatusCode,
                Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                context.User.FindFirst(TaskClaims.SubjectClaim)?.Value);
        }
    }

    [LoggerMessage(EventId = 3000, Level = LogLevel.Debug, Message = "{Method} {Path} answered {StatusCode} in {ElapsedMs:0.###} ms (subject {Subject})")]
    private partial void LogRequest(string method, string path, int statusCode, double elapsedMs, string? subject);
}
