using Azure.Data.Tables;
using TaskOrchestrator.Indexing;
using TaskOrchestrator.Listing;

namespace TaskOrchestrator.Schedules;

/// <summary>The schedule listing in an Azure Storage table (see <see cref="TableItemIndex{TItem, TStatus}"/>).</summary>
public sealed class AzureScheduleIndex(TableServiceClient tables, string tableName = AzureScheduleIndex.DefaultTableName) : IScheduleIndex, IAsyncDisposable
{
    /// <summary>The table used unless configured otherwise.</summary>
    public const string DefaultTableName = "ScheduleIndex";

    private readonly TableItemIndex<ScheduleSummary, ScheduleStatus> _index = new(
        tables, tableName, AzureOrchestrationIndex.Json, s => (s.Id, s.Owner, s.Status), s => s.Definition.Labels);

    /// <inheritdoc />
    public Task UpsertAsync(ScheduleSummary summary, StatusSet stale, IEnumerable<string>? staleLabels = null) =>
        _index.UpsertAsync(summary, stale, staleLabels: staleLabels);

    /// <inheritdoc />
    public Task RemoveAsync(ScheduleSummary summary, StatusSet statuses, IEnumerable<string>? staleLabels = null)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var labels = LabelRows.For(summary.Definition.Labels, staleLabels).All.ToList();
        return _index.RemoveAsync(summary.Id, summary.Owner, statuses.With((int)summary.Status), labels: labels);
    }

    /// <inheritdoc />
    public Task<ListingPage<ScheduleSummary>> ListAsync(ListingQuery<ScheduleStatus> query, CancellationToken cancellationToken = default) =>
        _index.ListAsync(query, cancellationToken);

    /// <inheritdoc />
    public Task<bool> ExistsAsync(Guid id, CancellationToken cancellationToken = default) => _index.ExistsAsync(id, cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _index.DisposeAsync();
}
