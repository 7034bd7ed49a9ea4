using Microsoft.Extensions.Logging;
using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Orchestrations;

/// <summary>The log messages of <see cref="OrchestrationGrain"/>: one Information line per transition, in a scope naming the orchestration.</summary>
public sealed partial class OrchestrationGrain
{
    /// <summary>The scope of every line about one orchestration (its step tasks log in a scope with the same key).</summary>
    internal static readonly Func<ILogger, Guid, IDisposable?> OrchestrationScope = LoggerMessage.DefineScope<Guid>("OrchestrationId:{OrchestrationId}");

    [LoggerMessage(EventId = 2000, Level = LogLevel.Information, Message = "Orchestration {OrchestrationId} created: {Steps} steps from {StartAt:O}")]
    private partial void LogCreatedCore(Guid orchestrationId, int steps, DateTimeOffset startAt);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Orchestration {OrchestrationId} started")]
    private partial void LogStartedCore(Guid orchestrationId);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Orchestration {OrchestrationId} step {Step}: task {Status}")]
    private partial void LogStepTaskFinishedCore(Guid orchestrationId, int step, ScheduledTaskStatus status);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Orchestration {OrchestrationId} {Status} at step {Step} ({Reason})")]
    private partial void LogFinishedCore(Guid orchestrationId, OrchestrationStatus status, OrchestrationFailureReason? reason, int step);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "Orchestration {OrchestrationId} step {Step}: could not reach its task or check; the reminder retries")]
    private partial void LogRecoveryDeferredCore(Guid orchestrationId, int step, Exception exception);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Warning, Message = "Orchestration {OrchestrationId}: removing its reminder failed; the next tick retries")]
    private partial void LogReminderCleanupFailedCore(Guid orchestrationId, Exception exception);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Warning, Message = "Orchestration {OrchestrationId}: its state is stored but writing its listing rows failed; the reminder writes them again")]
    private partial void LogListingDeferredCore(Guid orchestrationId, Exception exception);

    [LoggerMessage(EventId = 2016, Level = LogLevel.Information, Message = "Orchestration {OrchestrationId} retried from step {Step}")]
    private partial void LogRetriedCore(Guid orchestrationId, int step);

    private void LogRetried(int step)
    {
        using var scope = BeginOrchestrationScope();
        LogRetriedCore(this.GetPrimaryKey(), step);
    }

    private void LogListingDeferred(Exception exception)
    {
        using var scope = BeginOrchestrationScope();
        LogListingDeferredCore(this.GetPrimaryKey(), exception);
    }

    private void LogCreated(int steps, DateTimeOffset startAt)
    {
        using var scope = BeginOrchestrationScope();
        LogCreatedCore(this.GetPrimaryKey(), steps, startAt);
    }

    private void LogStarted()
    {
        using var scope = BeginOrchestrationScope();
        LogStartedCore(this.GetPrimaryKey());
    }

    private void LogStepTaskFinished(int step, ScheduledTaskStatus status)
    {
        using var scope = BeginOrchestrationScope();
        LogStepTaskFinishedCore(this.GetPrimaryKey(), step, status);
    }

    private void LogFinished(OrchestrationStatus status, OrchestrationFailureReason? reason, int step)
    {
        using var scope = BeginOrchestrationScope();
        LogFinishedCore(this.GetPrimaryKey(), status, reason, step);
    }

    private void LogRecoveryDeferred(int step, Exception exception)
    {
        using var scope = BeginOrchestrationScope();
        LogRecoveryDeferredCore(this.GetPrimaryKey(), step, exception);
    }

    private void LogReminderCleanupFailed(Exception exception)
    {
        using var scope = BeginOrchestrationScope();
        LogReminderCleanupFailedCore(this.GetPrimaryKey(), exception);
    }

    private IDisposable? BeginOrchestrationScope() => OrchestrationScope(logger, this.GetPrimaryKey());
}
