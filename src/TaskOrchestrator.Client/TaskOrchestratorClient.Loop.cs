using System.Globalization;
using TaskOrchestrator.Client.Bulk;
using TaskOrchestrator.Client.Http;
using TaskOrchestrator.Client.Orchestrations;
using TaskOrchestrator.Client.Tasks;

namespace TaskOrchestrator.Client;

/// <summary>Labels, reruns, retries and bulk actions.</summary>
public sealed partial class TaskOrchestratorClient
{
    /// <inheritdoc />
    public Task<ScheduledTask> ModifyLabelsAsync(Guid id, IReadOnlyDictionary<string, string> labels, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(labels);
        return _api.SendAsync<ScheduledTask>(HttpMethod.Patch, $"tasks/{id}", new ModifyTaskBody(null, null, labels), cancellationToken);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<ScheduledTask> ListByLabelsAsync(
        IReadOnlyDictionary<string, string> labels, ScheduledTaskStatus? status = null, int pageSize = 100, CancellationToken cancellationToken = default) =>
        _api.PagesAsync<ScheduledTask>(LabelPath("tasks", labels, status?.ToString(), pageSize), cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<OrchestrationSummary> ListOrchestrationsByLabelsAsync(
        IReadOnlyDictionary<string, string> labels, OrchestrationStatus? status = null, int pageSize = 100, CancellationToken cancellationToken = default) =>
        _api.PagesAsync<OrchestrationSummary>(LabelPath("orchestrations", labels, status?.ToString(), pageSize), cancellationToken);

    /// <inheritdoc />
    public Task<ScheduledTask> RerunTaskAsync(Guid id, TimeSpan? delay = null, CancellationToken cancellationToken = default) =>
        _api.SendAsync<ScheduledTask>(HttpMethod.Post, $"tasks/{id}/rerun", new RerunTaskBody(delay, null), cancellationToken);

    /// <inheritdoc />
    public Task<Orchestration> RetryOrchestrationAsync(Guid id, CancellationToken cancellationToken = default) =>
        _api.SendAsync<Orchestration>(HttpMethod.Post, $"orchestrations/{id}/retry", null, cancellationToken);

    /// <inheritdoc />
    public Task<BulkResult> BulkCancelTasksAsync(BulkSelection selection, CancellationToken cancellationToken = default) =>
        BulkAsync("tasks/bulk/cancel", selection, cancellationToken);

    /// <inheritdoc />
    public Task<BulkResult> BulkRerunTasksAsync(BulkSelection selection, CancellationToken cancellationToken = default) =>
        BulkAsync("tasks/bulk/rerun", selection, cancellationToken);

    /// <inheritdoc />
    public Task<BulkResult> BulkCancelOrchestrationsAsync(BulkSelection selection, CancellationToken cancellationToken = default) =>
        BulkAsync("orchestrations/bulk/cancel", selection, cancellationToken);

    /// <inheritdoc />
    public Task<BulkResult> BulkRetryOrchestrationsAsync(BulkSelection selection, CancellationToken cancellationToken = default) =>
        BulkAsync("orchestrations/bulk/retry", selection, cancellationToken);

    private Task<BulkResult> BulkAsync(string path, BulkSelection selection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(selection);
        return _api.SendAsync<BulkResult>(HttpMethod.Post, path, selection, cancellationToken);
    }

    private static string LabelPath(string resource, IReadOnlyDictionary<string, string> labels, string? status, int pageSize)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, ApiConnection.MaxPageSize);
        var query = string.Concat(labels.Select(l => $"label={Uri.EscapeDataString(l.Key)}:{Uri.EscapeDataString(l.Value)}&"));
        var limit = pageSize.ToString(CultureInfo.InvariantCulture);
        return status is null ? $"{resource}?{query}limit={limit}" : $"{resource}?{query}status={status}&limit={limit}";
    }
}
