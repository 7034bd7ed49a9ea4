using System.Text.Json;
using Azure.Data.Tables;
using TaskOrchestrator.Listing;
using TaskOrchestrator.Orchestrations;

namespace TaskOrchestrator.Indexing;

/// <summary>
/// The orchestration listing in an Azure Storage table (see <see cref="TableItemIndex{TItem, TStatus}"/>): each
/// orchestration's row keyed by position, the admins' listing of everything; the owner's table and the per-status
/// partitions for the other listings, a page per query whatever else the tables hold.
/// </summary>
public sealed class AzureOrchestrationIndex : IOrchestrationIndex, IListingMigration, IAsyncDisposable
{
    /// <summary>The table used unless configured otherwise.</summary>
    public const string DefaultTableName = "OrchestrationIndex";

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    private readonly TableItemIndex<OrchestrationSummary, OrchestrationStatus> _index;

    /// <summary>Creates the index over <paramref name="tableName"/> (created on first use).</summary>
    public AzureOrchestrationIndex(TableServiceClient tables, string tableName = DefaultTableName) =>
        _index = new TableItemIndex<OrchestrationSummary, OrchestrationStatus>(tables, tableName, Json, s => (s.Id, s.Owner, s.Status), s => s.Labels);

    /// <summary>The clock listings hide expired orchestrations by (the sweep removes their rows soon after).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <inheritdoc />
    public string Kind => "orchestrations";

    /// <inheritdoc />
    public Task UpsertAsync(OrchestrationSummary summary, StatusSet stale, IEnumerable<string>? staleLabels = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(summary);
        return _index.UpsertAsync(summary, stale, Groups(summary), staleLabels);
    }

    /// <inheritdoc />
    public Task RemoveAsync(OrchestrationSummary summary, StatusSet statuses, IEnumerable<string>? staleLabels = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var labels = LabelRows.For(summary.Labels, staleLabels).All.ToList();
        return _index.RemoveAsync(summary.Id, summary.Owner, statuses.With((int)summary.Status), Groups(summary), labels);
    }

    /// <inheritdoc />
    public async Task<ListingPage<OrchestrationSummary>> ListAsync(ListingQuery<OrchestrationStatus> query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var page = await _index.ListAsync(query, cancellationToken);

        // An orchestration past its retention is gone for the API, whether or not the sweep has removed its rows yet.
        var now = Time.GetUtcNow();
        return page.Items.Any(o => o.ExpiresAt <= now) ? page with { Items = [.. page.Items.Where(o => !(o.ExpiresAt <= now))] } : page;
    }

    /// <inheritdoc />
    public Task<bool> ExistsAsync(Guid id, CancellationToken cancellationToken = default) => _index.ExistsAsync(id, cancellationToken);

    /// <inheritdoc />
    public Task<int> MigrateListingsAsync(CancellationToken cancellationToken) => _index.MigrateAsync(cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _index.DisposeAsync();

    private static string[]? Groups(OrchestrationSummary summary) => summary.ScheduleId is { } schedule ? [ListingKeys.ScheduleGroup(schedule)] : null;
}
