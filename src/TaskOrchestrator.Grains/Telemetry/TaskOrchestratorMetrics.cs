using System.Diagnostics.Metrics;
using TaskOrchestrator.Orchestrations;

namespace TaskOrchestrator.Telemetry;

/// <summary>
/// The service's own instruments, on the meter <see cref="MeterName"/>. Every method is a counter add or a histogram
/// record with at most two pre-built tags: cheap enough for the firing path, and free when nothing listens.
/// </summary>
public sealed class TaskOrchestratorMetrics
{
    /// <summary>The meter's name, to subscribe to (OpenTelemetry <c>AddMeter</c>, <c>dotnet-counters</c>).</summary>
    public const string MeterName = "TaskOrchestrator";

    /// <summary>The counter of calls to targets started (first attempts and retries).</summary>
    public const string FiredInstrument = "taskorchestrator.tasks.fired";

    /// <summary>The counter of tasks whose target answered 2xx.</summary>
    public const string SucceededInstrument = "taskorchestrator.tasks.succeeded";

    /// <summary>The counter of tasks that failed for good.</summary>
    public const string FailedInstrument = "taskorchestrator.tasks.failed";

    /// <summary>The histogram of how late first calls started, in milliseconds.</summary>
    public const string LatenessInstrument = "taskorchestrator.tasks.firing.lateness";

    /// <summary>Bucket bounds of the firing-lateness histogram, in milliseconds: fine from 0.25 to 10 ms, coarse up to 5 s.</summary>
    public static readonly IReadOnlyList<double> LatenessBucketsMs = [0.25, 0.5, 1, 2, 3, 5, 7.5, 10, 15, 25, 50, 100, 250, 500, 1000, 5000];

    /// <summary>Bucket bounds of the HTTP attempt duration histogram, in milliseconds.</summary>
    public static readonly IReadOnlyList<double> AttemptDurationBucketsMs = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000];

    private static readonly KeyValuePair<string, object?> Success = new("outcome", "success");
    private static readonly KeyValuePair<string, object?> HttpError = new("outcome", "http_error");
    private static readonly KeyValuePair<string, object?> NoResponse = new("outcome", "no_response");
    private static readonly KeyValuePair<string, object?> OrchestrationCompleted = new("outcome", "completed");
    private static readonly KeyValuePair<string, object?> OrchestrationFailed = new("outcome", "failed");
    private static readonly KeyValuePair<string, object?> OrchestrationCancelled = new("outcome", "cancelled");
    private static readonly KeyValuePair<string, object?> NoReason = new("reason", "none");
    private static readonly KeyValuePair<string, object?> TaskFailedReason = new("reason", "task_failed");
    private static readonly KeyValuePair<string, object?> ConditionNotMetReason = new("reason", "condition_not_met");

    private readonly Counter<long> _scheduled;
    private readonly Counter<long> _fired;
    private readonly Counter<long> _succeeded;
    private readonly Counter<long> _failed;
    private readonly Counter<long> _cancelled;
    private readonly Counter<long> _retried;
    private readonly Histogram<double> _lateness;
    private readonly Histogram<double> _attemptDuration;
    private readonly Counter<long> _orchestrationsCreated;
    private readonly Counter<long> _scheduleOccurrences;
    private readonly Counter<long> _orchestrationsFinished;
    private readonly Counter<long> _reruns;
    private readonly Counter<long> _orchestrationRetries;

    /// <summary>Creates the instruments on a meter owned by <paramref name="meterFactory"/>.</summary>
    public TaskOrchestratorMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _scheduled = meter.CreateCounter<long>("taskorchestrator.tasks.scheduled", "{task}", "Tasks accepted and stored.");
        _fired = meter.CreateCounter<long>(FiredInstrument, "{attempt}", "Calls to targets started (first attempts and retries).");
        _succeeded = meter.CreateCounter<long>(SucceededInstrument, "{task}", "Tasks whose target answered 2xx.");
        _failed = meter.CreateCounter<long>(FailedInstrument, "{task}", "Tasks whose target answered non-2xx or not in time.");
        _cancelled = meter.CreateCounter<long>("taskorchestrator.tasks.cancelled", "{task}", "Tasks cancelled before they ran.");
        _retried = meter.CreateCounter<long>(
            "taskorchestrator.tasks.retried", "{attempt}", "Attempts beyond a task's first (an attempt interrupted by a crash is made again).");
        _lateness = meter.CreateHistogram(
            LatenessInstrument, "ms", "How long after its due time a task's first call started.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatenessBucketsMs });
        _attemptDuration = meter.CreateHistogram(
            "taskorchestrator.http.attempt.duration", "ms", "How long a call to a target took, until its answer was read (or it failed).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = AttemptDurationBucketsMs });
        _orchestrationsCreated = meter.CreateCounter<long>("taskorchestrator.orchestrations.created", "{orchestration}", "Orchestrations accepted and stored.");
        _scheduleOccurrences = meter.CreateCounter<long>(
            "taskorchestrator.schedules.occurrences", "{occurrence}",
            "Occurrences of recurring schedules, by outcome (created: its run was created, or a run triggered by hand; skipped: overlap or missed) and late (its run was created after its instant: caught up after an outage, or a busy node).");
        _orchestrationsFinished = meter.CreateCounter<long>(
            "taskorchestrator.orchestrations.finished", "{orchestration}", "Orchestrations that ended, by outcome (completed, failed, cancelled) and failure reason.");
        _reruns = meter.CreateCounter<long>("taskorchestrator.tasks.reruns", "{task}", "Reruns of finished tasks created (POST /tasks/{id}/rerun and bulk rerun).");
        _orchestrationRetries = meter.CreateCounter<long>(
            "taskorchestrator.orchestrations.retries", "{orchestration}", "Failed orchestrations resumed from their failed step (POST /orchestrations/{id}/retry).");
    }

    /// <summary>A rerun of a finished task was created.</summary>
    public void TaskRerun() => _reruns.Add(1);

    /// <summary>A failed orchestration was resumed from its failed step.</summary>
    public void OrchestrationRetried() => _orchestrationRetries.Add(1);

    /// <summary>A task was stored as Scheduled.</summary>
    public void TaskScheduled() => _scheduled.Add(1);

    /// <summary>A task was cancelled.</summary>
    public void TaskCancelled() => _cancelled.Add(1);

    /// <summary>A call to a task's target started; <paramref name="latenessMs"/> is recorded for first attempts only (a retry's is its outage).</summary>
    public void TaskFired(int attempt, double latenessMs)
    {
        _fired.Add(1);
        if (attempt > 1)
        {
            _retried.Add(1);
        }
        else
        {
            _lateness.Record(latenessMs < 0 ? 0 : latenessMs);
        }
    }

    /// <summary>A task reached its final status after a call.</summary>
    public void TaskFinished(bool succeeded) => (succeeded ? _succeeded : _failed).Add(1);

    /// <summary>One call to a target took <paramref name="durationMs"/>; <paramref name="statusCode"/> is null when no answer came.</summary>
    public void AttemptFinished(double durationMs, int? statusCode) =>
        _attemptDuration.Record(durationMs, statusCode switch
        {
            null => NoResponse,
            >= 200 and < 300 => Success,
            _ => HttpError,
        });

    /// <summary>An orchestration was stored as Scheduled.</summary>
    public void OrchestrationCreated() => _orchestrationsCreated.Add(1);

    /// <summary>A schedule's occurrence was handled: its run created (or a run triggered by hand), or skipped.</summary>
    public void ScheduleOccurrence(bool created, bool late) =>
        _scheduleOccurrences.Add(1, new KeyValuePair<string, object?>("outcome", created ? "created" : "skipped"), new KeyValuePair<string, object?>("late", late));

    /// <summary>An orchestration ended.</summary>
    public void OrchestrationFinished(OrchestrationStatus status, OrchestrationFailureReason? reason) =>
        _orchestrationsFinished.Add(
            1,
            status switch
            {
                OrchestrationStatus.Completed => OrchestrationCompleted,
                OrchestrationStatus.Cancelled => OrchestrationCancelled,
                _ => OrchestrationFailed,
            },
            reason switch
            {
                OrchestrationFailureReason.TaskFailed => TaskFailedReason,
                OrchestrationFailureReason.ConditionNotMet => ConditionNotMetReason,
                _ => NoReason,
            });
}
