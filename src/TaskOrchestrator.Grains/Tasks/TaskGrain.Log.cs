using Microsoft.Extensions.Logging;

namespace TaskOrchestrator.Tasks;

/// <summary>The log messages of <see cref="TaskGrain"/>: one Information line per state transition.</summary>
public sealed partial class TaskGrain
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Task scheduled for {DueAt:O}")]
    private partial void LogScheduledCore(DateTimeOffset dueAt);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Task cancelled")]
    private partial void LogCancelledCore();

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Task rescheduled from {PreviousDueAt:O} to {DueAt:O}")]
    private partial void LogRescheduledCore(DateTimeOffset previousDueAt, DateTimeOffset dueAt);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Debug, Message = "Task attempt {Attempt} dispatching for {DueAt:O}")]
    private partial void LogAttemptDispatchingCore(int attempt, DateTimeOffset dueAt);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "Task {Status}: started {LatenessMs:0.###} ms after its due time, status code {StatusCode}, error {Error}")]
    private partial void LogAttemptFinishedCore(ScheduledTaskStatus status, double latenessMs, int? statusCode, string? error);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Warning, Message = "Task was running when its activation was lost; retrying (attempt {Attempts} had started)")]
    private partial void LogResumingInterruptedAttemptCore(int attempts);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Warning, Message = "Task could not notify its observer {Observer}; the observer's recovery reminder will find the outcome")]
    private partial void LogObserverNotFound(GrainId observer, Exception exception);

    private void LogScheduled(DateTimeOffset dueAt, string url)
    {
        using var scope = BeginTaskScope();
        LogScheduledCore(dueAt);
        if (logger.IsEnabled(LogLevel.Debug))
        {
            LogTarget(url);
        }
    }

    [LoggerMessage(EventId = 1006, Level = LogLevel.Debug, Message = "Task target {Url}")]
    private partial void LogTarget(string url);

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

    private void LogAttemptDispatching(int attempt, DateTimeOffset dueAt)
    {
        if (logger.IsEnabled(LogLevel.Debug))
        {
            using var scope = BeginTaskScope();
            LogAttemptDispatchingCore(attempt, dueAt);
        }
    }

    private void LogAttemptFinished(ScheduledTaskStatus status, double latenessMs, int? statusCode, string? error)
    {
        using var scope = BeginTaskScope();
        LogAttemptFinishedCore(status, latenessMs, statusCode, error);
    }

    private void LogResumingInterruptedAttempt(int attempts)
    {
        using var scope = BeginTaskScope();
        LogResumingInterruptedAttemptCore(attempts);
    }

    private IDisposable? BeginTaskScope() => logger.BeginScope(new Dictionary<string, object> { ["TaskId"] = this.GetPrimaryKey() });
}
