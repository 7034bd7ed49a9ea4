using System.Globalization;
using TaskOrchestrator.Client.Http;
using TaskOrchestrator.Client.Tasks;

namespace TaskOrchestrator.Client;

/// <summary>
/// <see cref="ITaskOrchestratorClient"/> over an <see cref="HttpClient"/> whose <see cref="HttpClient.BaseAddress"/> is the
/// service's root and which sends the bearer token (<see cref="TaskOrchestratorClientExtensions.AddTaskOrchestratorClient(Microsoft.Extensions.DependencyInjection.IServiceCollection, Action{TaskOrchestratorClientOptions})"/>
/// sets both up through <c>IHttpClientFactory</c>).
/// </summary>
public sealed partial class TaskOrchestratorClient(HttpClient http) : ITaskOrchestratorClient
{
    private readonly ApiConnection _api = new(http);

    /// <inheritdoc />
    public Task<ScheduledTask> ScheduleAsync(Uri url, TimeSpan delay, CancellationToken cancellationToken = default) =>
        ScheduleAsync(url, new ScheduleOptions { Delay = delay }, cancellationToken);

    /// <inheritdoc />
    public Task<ScheduledTask> ScheduleAsync(Uri url, ScheduleOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Delay is null == options.RunAt is null)
        {
            throw new ArgumentException("Give exactly one of Delay and RunAt.", nameof(options));
        }

        var body = new CreateTaskBody(
            url, options.Delay, options.RunAt, options.Method, options.Headers, options.Body, options.Retry, options.Timeout, options.Labels, options.Callback, options.Retention);
        return _api.SendAsync<ScheduledTask>(HttpMethod.Post, "tasks", body, cancellationToken, options.IdempotencyKey);
    }

    /// <inheritdoc />
    public async Task<ScheduledTask> CancelAsync(Guid id, CancellationToken cancellationToken = default) =>
        (await _api.SendAsync<CancelTaskAnswer>(HttpMethod.Put, $"tasks/{id}/cancel", null, cancellationToken)).Task;

    /// <inheritdoc />
    public async Task<ScheduledTaskStatus> GetStatusAsync(Guid id, CancellationToken cancellationToken = default) =>
        (await _api.SendAsync<TaskStatusAnswer>(HttpMethod.Get, $"tasks/{id}/status", null, cancellationToken)).Status;

    /// <inheritdoc />
    public Task<ScheduledTask> ModifyAsync(Guid id, TimeSpan delay, CancellationToken cancellationToken = default) =>
        _api.SendAsync<ScheduledTask>(HttpMethod.Patch, $"tasks/{id}", new ModifyTaskBody(delay, null), cancellationToken);

    /// <inheritdoc />
    public Task<ScheduledTask> ModifyAsync(Guid id, DateTimeOffset runAt, CancellationToken cancellationToken = default) =>
        _api.SendAsync<ScheduledTask>(HttpMethod.Patch, $"tasks/{id}", new ModifyTaskBody(null, runAt), cancellationToken);

    /// <inheritdoc />
    public Task<ScheduledTask> GetAsync(Guid id, CancellationToken cancellationToken = default) =>
        _api.SendAsync<ScheduledTask>(HttpMethod.Get, $"tasks/{id}", null, cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<ScheduledTask> ListAsync(ScheduledTaskStatus? status = null, int pageSize = 100, CancellationToken cancellationToken = default) =>
        _api.PagesAsync<ScheduledTask>(ListPath("tasks", status?.ToString(), pageSize), cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<ScheduledTask>> GetAllAsync(CancellationToken cancellationToken = default) =>
        await ListAsync(null, ApiConnection.MaxPageSize, cancellationToken).ToListAsync(cancellationToken);

    private static string ListPath(string resource, string? status, int pageSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, ApiConnection.MaxPageSize);
        var limit = pageSize.ToString(CultureInfo.InvariantCulture);
        return status is null ? $"{resource}?limit={limit}" : $"{resource}?status={status}&limit={limit}";
    }
}
