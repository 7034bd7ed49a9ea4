using System.Text.Json;
using Azure.Data.Tables;
using TaskOrchestrator.Listing;
using TaskOrchestrator.Orchestrations;
using TaskOrchestrator.Storage;

namespace TaskOrchestrator.Indexing;

/// <summary>
/// The orchestration listing in an Azure Storage table. Each orchestration has a row keyed by its position (its
/// version-7 id's time, inverted, as task rows are) in the partition of its hour: the admins' listing of everything,
/// newest first. Beside those, the listing rows of <see cref="ListingKeys"/> serve an owner's listings and the
/// listing of one status, a page per query whatever else the table holds.
/// </summary>
public sealed class AzureOrchestrationIndex : IOrchestrationIndex, IListingMigration, IAsyncDisposable
{
    /// <summary>The table used unless configured otherwise.</summary>
    public const string DefaultTableName = "OrchestrationIndex";

    /// <summary>The property of a row keyed by position that holds the summary (as JSON text).</summary>
    internal const string SummaryProperty = "Summary";

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    private readonly TableClient _table;
    private readonly TableListingIndex<OrchestrationStatus> _listing;
    private readonly TableCreation _created;

    /// <summary>Creates the index over <paramref name="tableName"/> (created on first use).</summary>
    public AzureOrchestrationIndex(TableServiceClient tables, string tableName = DefaultTableName)
    {
        ArgumentNullException.ThrowIfNull(tables);
        _table = tables.GetTableClient(tableName);
        _created = new TableCreation(tables, tableName);
        _listing = new TableListingIndex<OrchestrationStatus>(tables, tableName, _created.EnsureAsync);
    }

    /// <inheritdoc />
    public async Task UpsertAsync(OrchestrationSummary summary, StatusSet stale, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(summary);
        await _created.EnsureAsync();
        var position = TaskKeys.RowKey(summary.Id);
        var json = JsonSerializer.Serialize(summary, Json);
        var entity = new TableEntity(TaskKeys.PartitionKey(position), position)
        {
            ["Owner"] = summary.Owner,
            ["Status"] = summary.Status.ToString(),
            [SummaryProperty] = json,
            [AzureTaskStorage.LayoutProperty] = AzureTaskStorage.ListedLayout,
        };
        // The row keyed by position first: the migration of rows stored before listing rows existed re-reads it to tell
        // whether a live write came between its read and its own listing write.
        await _listing.UpsertRowAsync(entity);
        await _listing.WriteAsync(position, summary.Owner, summary.Status, stale, JsonSerializer.SerializeToUtf8Bytes(summary, Json));
    }

    /// <inheritdoc />
    public async Task<ListingPage<OrchestrationSummary>> ListAsync(ListingQuery<OrchestrationStatus> query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await _created.EnsureAsync();
        if (query.Owner is not null || query.Status is not null)
        {
            var (items, next) = await _listing.ListAsync(query.Owner, query.Status, query.Limit, query.After, cancellationToken);
            return new ListingPage<OrchestrationSummary>([.. items.Select(i => JsonSerializer.Deserialize<OrchestrationSummary>(i, Json)!)], next);
        }

        // Every owner's, newest first: the rows keyed by position, whose partitions (hours) are all digits.
        var filter = query.After is null
            ? "PartitionKey ge '0' and PartitionKey lt ':'"
            : TableClient.CreateQueryFilter($"PartitionKey ge {TaskKeys.PartitionKey(query.After)} and PartitionKey lt {":"} and RowKey gt {query.After}");
        var page = new List<OrchestrationSummary>(query.Limit);
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(query.Limit + 1, 1000), select: [SummaryProperty], cancellationToken: cancellationToken))
        {
            if (page.Count == query.Limit)
            {
                return new ListingPage<OrchestrationSummary>(page, TaskKeys.RowKey(page[^1].Id));
            }

            page.Add(JsonSerializer.Deserialize<OrchestrationSummary>(row.GetString(SummaryProperty), Json)!);
        }

        return new ListingPage<OrchestrationSummary>(page, null);
    }

    /// <inheritdoc />
    public async Task<bool> ExistsAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await _created.EnsureAsync();
        var position = TaskKeys.RowKey(id);
        return (await _table.GetEntityIfExistsAsync<TableEntity>(TaskKeys.PartitionKey(position), position, ["PartitionKey"], cancellationToken)).HasValue;
    }

    /// <inheritdoc />
    public string Kind => "orchestrations";

    /// <inheritdoc />
    public Task<int> MigrateListingsAsync(CancellationToken cancellationToken) =>
        _listing.MigrateAsync(
            _table, "PartitionKey ge '0' and PartitionKey lt ':'", ["Owner", "Status", SummaryProperty],
            row => (row.GetString("Owner"), Enum.Parse<OrchestrationStatus>(row.GetString("Status")), System.Text.Encoding.UTF8.GetBytes(row.GetString(SummaryProperty))),
            cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _listing.DisposeAsync();
}
