using Microsoft.Extensions.Logging;

namespace TaskOrchestrator.Tasks;

/// <summary>
/// The log messages of <see cref="TaskGrain"/>: one Information line per state transition, each in a scope naming the
/// task (and its orchestration). Headers and bodies are never logged; the target shows at Debug without its query string.
/// </summary>
public sealed partial class TaskGrain
{
    private static readonly Func<ILogger, Guid, IDisposable?> TaskScope = LoggerMessage.DefineScope<Guid>("TaskId:{TaskId}");

    private static readonly Func<ILogger, Guid, Guid, IDisposable?> OrchestrationTaskScope =
        LoggerMessage.DefineScope<Guid, Guid>("TaskId:{TaskId} OrchestrationId:{OrchestrationId}");

    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Task scheduled for {DueAt:O}")]
    private partial void LogScheduledCore(DateTimeOffset dueAt);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Task cancelled")]
    private partial void LogCancelledCore();

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Task rescheduled from {PreviousDueAt:O} to {DueAt:O}")]
    private partial void LogRescheduledCore(DateTimeOffset previousDueAt, DateTimeOffset dueAt);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Task running: attempt {Attempt}, due {DueAt:O}")]
    private partial void LogRunningCore(int attempt, DateTimeOffset dueAt);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "Task {Status}: started {LatenessMs:0.###} ms after its due time, status code {StatusCode}, error {Error}")]
    private partial void LogAttemptFinishedCore(ScheduledTaskStatus status, double latenessMs, int? statusCode, string? error);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Warning, Message = "Task was running when its activation was lost; retrying (attempt {Attempts} had started)")]
    private partial void LogResumingInterruptedAttemptCore(int attempts);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Information, Message = "Task attempt {Attempt} failed (status code {StatusCode}, error {Error}); attempt {NextAttempt} at {NextAttemptAt:O}")]
    private partial void LogRetryingCore(int attempt, int? statusCode, string? error, int nextAttempt, DateTimeOffset nextAttemptAt);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Warning, Message = "Task could not notify its observer {Observer}; the observer's recovery reminder will find the outcome")]
    private partial void LogObserverNotFound(GrainId observer, Exception exception);

    private void LogScheduled(DateTimeOffset dueAt, string method, string url)
    {
        using var scope = BeginTaskScope();
        LogScheduledCore(dueAt);
        if (logger.IsEnabled(LogLevel.Debug))
        {
            // A query string or user info may carry a credential (a signed URL, user:password@); the host and path say which target it is.
            LogTarget(method, Uri.TryCreate(url, UriKind.Absolute, out var uri) ? $"{uri.Scheme}://{uri.Authority[(uri.UserInfo.Length > 0 ? uri.UserInfo.Length + 1 : 0)..]}{uri.AbsolutePath}" : "(not a URL)");
        }
    }

    [LoggerMessage(EventId = 1006, Level = LogLevel.Debug, Message = "Task target {Method} {Target}")]
    private partial void LogTarget(string method, string target);

    private void LogCancelled()
    {
        using var scope = BeginTaskScope();
        LogCancelledCore();
    }

    private void LogRescheduled(DateTimeOffset previousDueAt, DateTimeOffset dueAt)
    {
        using var scope = BeginTaskScope();
        LogRescheduledCore(previousDueAt, dueAt);
    }

    private void LogRunning(int attempt, DateTimeOffset dueAt)
    {
        using var scope = BeginTaskScope();
        LogRunningCore(attempt, dueAt);
    }

    private void LogAttemptFinished(ScheduledTaskStatus status, double latenessMs, int? statusCode, string? error)
    {
        using var scope = BeginTaskScope();
        LogAttemptFinishedCore(status, latenessMs, statusCode, error);
    }

    private void LogRetrying(int attempt, int? statusCode, string? error, DateTimeOffset nextAttemptAt)
    {
        using var scope = BeginTaskScope();
        LogRetryingCore(attempt, statusCode, error, attempt + 1, nextAttemptAt);
    }

    private void LogResumingInterruptedAttempt(int attempts)
    {
        using var scope = BeginTaskScope(LogLevel.Warning);
        LogResumingInterruptedAttemptCore(attempts);
    }

    [LoggerMessage(EventId = 1012, Level = LogLevel.Warning, Message = "Task state stored, but its listing rows were not; they are written again by the task's next write (a finished task keeps its reminder until then)")]
    private partial void LogListingDeferredCore(Exception exception);

    [LoggerMessage(EventId = 1013, Level = LogLevel.Error, Message = "Storage refused the task's record for its size; its response and attempt details were dropped and it ends {Status}")]
    private partial void LogCompactedCore(ScheduledTaskStatus status, Exception exception);

    private void LogListingDeferred(Exception exception)
    {
        using var scope = BeginTaskScope(LogLevel.Warning);
        LogListingDeferredCore(exception);
    }

    private void LogCompacted(Exception exception)
    {
        using var scope = BeginTaskScope(LogLevel.Error);
        LogCompactedCore(State.Status, exception);
    }

    [LoggerMessage(EventId = 1010, Level = LogLevel.Debug, Message = "Task activation ended by Orleans ({Reason}) with its timer armed: handed over to a new activation")]
    private partial void LogHandedOver(DeactivationReasonCode reason);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Debug, Message = "Task's silo is shutting down and no other silo is active: its reminder brings it back when a silo runs again")]
    private partial void LogNoSiloToHandOverTo();

    // No scope (and no allocation) when the line is not going to be written.
    private IDisposable? BeginTaskScope(LogLevel level = LogLevel.Information) =>
        !logger.IsEnabled(level) ? null
        : State.Definition?.OrchestrationId is { } orchestrationId ? OrchestrationTaskScope(logger, this.GetPrimaryKey(), orchestrationId)
        : TaskScope(logger, this.GetPrimaryKey());
}
