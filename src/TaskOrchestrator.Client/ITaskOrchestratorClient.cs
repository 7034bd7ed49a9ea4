using TaskOrchestrator.Client.Bulk;
using TaskOrchestrator.Client.Orchestrations;
using TaskOrchestrator.Client.Schedules;
using TaskOrchestrator.Client.Tasks;

namespace TaskOrchestrator.Client;

/// <summary>
/// The TaskOrchestrator REST API as .NET calls. Every error answer surfaces as a <see cref="TaskOrchestratorException"/>
/// (404 <see cref="TaskOrchestratorNotFoundException"/>, 409 <see cref="TaskOrchestratorConflictException"/>, 400
/// <see cref="TaskOrchestratorValidationException"/>) carrying the service's ProblemDetails.
/// </summary>
public interface ITaskOrchestratorClient
{
    /// <summary>Schedules a POST to <paramref name="url"/> after <paramref name="delay"/>.</summary>
    Task<ScheduledTask> ScheduleAsync(Uri url, TimeSpan delay, CancellationToken cancellationToken = default);

    /// <summary>
    /// Schedules a call to <paramref name="url"/> as <paramref name="options"/> say: after <see cref="ScheduleOptions.Delay"/>
    /// or at <see cref="ScheduleOptions.RunAt"/> (exactly one), with a method, headers and body.
    /// </summary>
    Task<ScheduledTask> ScheduleAsync(Uri url, ScheduleOptions options, CancellationToken cancellationToken = default);

    /// <summary>Cancels a task that has not started; returns it, Cancelled. Throws <see cref="TaskOrchestratorConflictException"/> once it runs or ran.</summary>
    Task<ScheduledTask> CancelAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>A task's status.</summary>
    Task<ScheduledTaskStatus> GetStatusAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>Moves a task's due time to <paramref name="delay"/> after its creation (a time already past means now).</summary>
    Task<ScheduledTask> ModifyAsync(Guid id, TimeSpan delay, CancellationToken cancellationToken = default);

    /// <summary>Moves a task's due time to <paramref name="runAt"/> (a past instant means now).</summary>
    Task<ScheduledTask> ModifyAsync(Guid id, DateTimeOffset runAt, CancellationToken cancellationToken = default);

    /// <summary>A task with everything the service knows of it.</summary>
    Task<ScheduledTask> GetAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>The caller's tasks (every owner's for an admin), newest first, fetched a page at a time as they are enumerated.</summary>
    IAsyncEnumerable<ScheduledTask> ListAsync(ScheduledTaskStatus? status = null, int pageSize = 100, CancellationToken cancellationToken = default);

    /// <summary>Every task of the caller, newest first (all pages).</summary>
    Task<IReadOnlyList<ScheduledTask>> GetAllAsync(CancellationToken cancellationToken = default);

    /// <summary>Creates an orchestration; <see cref="OrchestrationDefinition.Tasks"/> is required.</summary>
    Task<Orchestration> ScheduleOrchestrationAsync(OrchestrationDefinition definition, CancellationToken cancellationToken = default);

    /// <summary>Cancels an orchestration (a step call in flight finishes; nothing further runs). Throws <see cref="TaskOrchestratorConflictException"/> once finished.</summary>
    Task<Orchestration> CancelOrchestrationAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>An orchestration's status, failure reason and current step.</summary>
    Task<OrchestrationProgress> GetOrchestrationStatusAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>Moves an orchestration's start to <paramref name="initialDelay"/> after its creation; only while Scheduled.</summary>
    Task<Orchestration> ModifyOrchestrationAsync(Guid id, TimeSpan initialDelay, CancellationToken cancellationToken = default);

    /// <summary>Replaces the parts of an orchestration's definition that <paramref name="change"/> gives; only while Scheduled.</summary>
    Task<Orchestration> ModifyOrchestrationAsync(Guid id, OrchestrationDefinition change, CancellationToken cancellationToken = default);

    /// <summary>An orchestration with every step.</summary>
    Task<Orchestration> GetOrchestrationAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>The caller's orchestrations (every owner's for an admin), newest first, fetched a page at a time as they are enumerated.</summary>
    IAsyncEnumerable<OrchestrationSummary> ListOrchestrationsAsync(OrchestrationStatus? status = null, int pageSize = 100, CancellationToken cancellationToken = default);

    /// <summary>Every orchestration of the caller, newest first (all pages).</summary>
    Task<IReadOnlyList<OrchestrationSummary>> GetAllOrchestrationsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates a recurring schedule. <paramref name="idempotencyKey"/> (the <c>Idempotency-Key</c> header) makes a repeated
    /// call return the schedule the first one created. A definition the service cannot accept (a cron expression it
    /// cannot read, an unknown time zone, one that never fires) throws <see cref="TaskOrchestratorValidationException"/>.
    /// </summary>
    Task<RecurringSchedule> CreateScheduleAsync(RecurringScheduleDefinition definition, string? idempotencyKey = null, CancellationToken cancellationToken = default);

    /// <summary>A schedule with its next and recent runs.</summary>
    Task<RecurringSchedule> GetScheduleAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>The caller's schedules (every owner's for an admin), newest first, fetched a page at a time as they are enumerated.</summary>
    IAsyncEnumerable<RecurringSchedule> ListSchedulesAsync(RecurringScheduleStatus? status = null, int pageSize = 100, CancellationToken cancellationToken = default);

    /// <summary>Changes what <paramref name="change"/> gives, from the schedule's next occurrence not yet created.</summary>
    Task<RecurringSchedule> UpdateScheduleAsync(Guid id, RecurringScheduleDefinition change, CancellationToken cancellationToken = default);

    /// <summary>Stops creating occurrences until resumed (runs already created go on). Pausing twice is fine.</summary>
    Task<RecurringSchedule> PauseScheduleAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>Creates occurrences again from the next one after now; those that came while paused are not caught up.</summary>
    Task<RecurringSchedule> ResumeScheduleAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>Runs the schedule once now, outside its cadence (also while paused); returns the run it created.</summary>
    Task<ScheduleRunRecord> TriggerScheduleAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>Deletes a schedule: no further occurrence is created; the runs it created stay.</summary>
    Task DeleteScheduleAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>The tasks a schedule created (its occurrences and triggered runs), newest first.</summary>
    IAsyncEnumerable<ScheduledTask> ListScheduleRunsAsync(Guid id, int pageSize = 100, CancellationToken cancellationToken = default);

    /// <summary>Replaces a scheduled task's labels (empty removes them); only while Scheduled.</summary>
    Task<ScheduledTask> ModifyLabelsAsync(Guid id, IReadOnlyDictionary<string, string> labels, CancellationToken cancellationToken = default);

    /// <summary>The caller's own tasks carrying every one of <paramref name="labels"/> (optionally of one status), newest first, a page at a time.</summary>
    IAsyncEnumerable<ScheduledTask> ListByLabelsAsync(
        IReadOnlyDictionary<string, string> labels, ScheduledTaskStatus? status = null, int pageSize = 100, CancellationToken cancellationToken = default);

    /// <summary>The caller's own orchestrations carrying every one of <paramref name="labels"/> (optionally of one status), newest first.</summary>
    IAsyncEnumerable<OrchestrationSummary> ListOrchestrationsByLabelsAsync(
        IReadOnlyDictionary<string, string> labels, OrchestrationStatus? status = null, int pageSize = 100, CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs a Completed, Failed or Cancelled task again as a new task with the same call, after <paramref name="delay"/>
    /// (default now); returns the new task (its <see cref="ScheduledTask.RerunOf"/> is <paramref name="id"/>). Throws
    /// <see cref="TaskOrchestratorConflictException"/> while the task is Scheduled or Running.
    /// </summary>
    Task<ScheduledTask> RerunTaskAsync(Guid id, TimeSpan? delay = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Resumes a Failed orchestration from the step that failed, keeping the failed run in its previous runs. Throws
    /// <see cref="TaskOrchestratorConflictException"/> unless Failed.
    /// </summary>
    Task<Orchestration> RetryOrchestrationAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>Cancels the caller's tasks <paramref name="selection"/> names or matches; one result per task.</summary>
    Task<BulkResult> BulkCancelTasksAsync(BulkSelection selection, CancellationToken cancellationToken = default);

    /// <summary>Reruns the caller's finished tasks <paramref name="selection"/> names or matches, now; one result per task.</summary>
    Task<BulkResult> BulkRerunTasksAsync(BulkSelection selection, CancellationToken cancellationToken = default);

    /// <summary>Cancels the caller's orchestrations <paramref name="selection"/> names or matches.</summary>
    Task<BulkResult> BulkCancelOrchestrationsAsync(BulkSelection selection, CancellationToken cancellationToken = default);

    /// <summary>Retries the caller's failed orchestrations <paramref name="selection"/> names or matches.</summary>
    Task<BulkResult> BulkRetryOrchestrationsAsync(BulkSelection selection, CancellationToken cancellationToken = default);
}
