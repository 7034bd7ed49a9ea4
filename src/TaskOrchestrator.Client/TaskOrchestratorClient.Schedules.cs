using TaskOrchestrator.Client.Http;
using TaskOrchestrator.Client.Schedules;
using TaskOrchestrator.Client.Tasks;

namespace TaskOrchestrator.Client;

/// <summary>The recurring-schedule calls of <see cref="TaskOrchestratorClient"/>.</summary>
public sealed partial class TaskOrchestratorClient
{
    /// <inheritdoc />
    public Task<RecurringSchedule> CreateScheduleAsync(
        RecurringScheduleDefinition definition, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return _api.SendAsync<RecurringSchedule>(HttpMethod.Post, "schedules", definition, cancellationToken, idempotencyKey);
    }

    /// <inheritdoc />
    public Task<RecurringSchedule> GetScheduleAsync(Guid id, CancellationToken cancellationToken = default) =>
        _api.SendAsync<RecurringSchedule>(HttpMethod.Get, $"schedules/{id}", null, cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<RecurringSchedule> ListSchedulesAsync(
        RecurringScheduleStatus? status = null, int pageSize = 100, CancellationToken cancellationToken = default) =>
        _api.PagesAsync<RecurringSchedule>(ListPath("schedules", status?.ToString(), pageSize), cancellationToken);

    /// <inheritdoc />
    public Task<RecurringSchedule> UpdateScheduleAsync(Guid id, RecurringScheduleDefinition change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        return _api.SendAsync<RecurringSchedule>(HttpMethod.Patch, $"schedules/{id}", change, cancellationToken);
    }

    /// <inheritdoc />
    public Task<RecurringSchedule> PauseScheduleAsync(Guid id, CancellationToken cancellationToken = default) =>
        _api.SendAsync<RecurringSchedule>(HttpMethod.Put, $"schedules/{id}/pause", null, cancellationToken);

    /// <inheritdoc />
    public Task<RecurringSchedule> ResumeScheduleAsync(Guid id, CancellationToken cancellationToken = default) =>
        _api.SendAsync<RecurringSchedule>(HttpMethod.Put, $"schedules/{id}/resume", null, cancellationToken);

    /// <inheritdoc />
    public Task<ScheduleRunRecord> TriggerScheduleAsync(Guid id, CancellationToken cancellationToken = default) =>
        _api.SendAsync<ScheduleRunRecord>(HttpMethod.Post, $"schedules/{id}/trigger", null, cancellationToken);

    /// <inheritdoc />
    public Task DeleteScheduleAsync(Guid id, CancellationToken cancellationToken = default) =>
        _api.SendAsync(HttpMethod.Delete, $"schedules/{id}", cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<ScheduledTask> ListScheduleRunsAsync(Guid id, int pageSize = 100, CancellationToken cancellationToken = default) =>
        _api.PagesAsync<ScheduledTask>($"{ListPath("tasks", null, pageSize)}&scheduleId={id}", cancellationToken);
}
