using System.Text.Json;
using Azure.Data.Tables;
using TaskOrchestrator.Storage;

namespace TaskOrchestrator.Listing;

/// <summary>
/// The listing of one kind of small resource (orchestrations, schedules) in an Azure table: each item has a row keyed
/// by its position (its version-7 id's time, inverted) in the partition of its hour, the admins' listing of everything
/// newest first, written first; and beside those, the listing rows of <see cref="ListingKeys"/> (the owner's table,
/// the per-status partitions), a page per query whatever else the tables hold.
/// </summary>
/// <typeparam name="TItem">The item as listings show it, stored as JSON.</typeparam>
/// <typeparam name="TStatus">Its status enum.</typeparam>
internal sealed class TableItemIndex<TItem, TStatus> : IAsyncDisposable
    where TItem : class
    where TStatus : struct, Enum
{
    /// <summary>The property of a row keyed by position that holds the item (as JSON text).</summary>
    public const string ItemTextProperty = "Summary";

    // Rows keyed by position live in partitions named by their hour, all digits: below every listing partition.
    private const string PositionRows = "PartitionKey ge '0' and PartitionKey lt ':'";

    private readonly TableClient _table;
    private readonly TableListingIndex<TStatus> _listing;
    private readonly TableCreation _created;
    private readonly JsonSerializerOptions _json;
    private readonly Func<TItem, (Guid Id, string Owner, TStatus Status)> _keys;
    private readonly Func<TItem, IReadOnlyDictionary<string, string>?> _labels;

    public TableItemIndex(
        TableServiceClient tables, string tableName, JsonSerializerOptions json, Func<TItem, (Guid Id, string Owner, TStatus Status)> keys,
        Func<TItem, IReadOnlyDictionary<string, string>?> labels)
    {
        ArgumentNullException.ThrowIfNull(tables);
        _table = tables.GetTableClient(tableName);
        _created = new TableCreation(tables, tableName);
        _listing = new TableListingIndex<TStatus>(tables, tableName, _created.EnsureAsync);
        (_json, _keys, _labels) = (json, keys, labels);
    }

    /// <summary>
    /// Writes the item's rows (its row keyed by position first), deleting those of the <paramref name="stale"/> statuses
    /// and of the labels in <paramref name="staleLabels"/> it no longer carries.
    /// </summary>
    public async Task UpsertAsync(TItem item, StatusSet stale, IReadOnlyList<string>? groups = null, IEnumerable<string>? staleLabels = null)
    {
        await _created.EnsureAsync();
        var (id, owner, status) = _keys(item);
        var position = TaskKeys.RowKey(id);
        var entity = new TableEntity(TaskKeys.PartitionKey(position), position)
        {
            ["Owner"] = owner,
            ["Status"] = status.ToString(),
            [ItemTextProperty] = JsonSerializer.Serialize(item, _json),
            [AzureTaskStorage.LayoutProperty] = AzureTaskStorage.ListedLayout,
        };

        // The row keyed by position first: the migration of rows stored before listing rows existed re-reads it to tell
        // whether a live write came between its read and its own listing write.
        await _listing.UpsertRowAsync(entity);
        await _listing.WriteAsync(
            position, owner, status, stale, JsonSerializer.SerializeToUtf8Bytes(item, _json), groups, LabelRows.For(_labels(item), staleLabels));
    }

    /// <summary>
    /// Deletes every row of the item <paramref name="id"/> of <paramref name="owner"/> in the <paramref name="statuses"/>,
    /// those of the <paramref name="labels"/> (digests, see <see cref="LabelRows"/>) included (missing ones are fine).
    /// </summary>
    public async Task RemoveAsync(Guid id, string owner, StatusSet statuses, IReadOnlyList<string>? groups = null, IReadOnlyCollection<string>? labels = null)
    {
        await _created.EnsureAsync();
        var position = TaskKeys.RowKey(id);
        await _listing.RemoveAsync(position, owner, statuses, groups, labels);
        await _listing.DeleteRowAsync(TaskKeys.PartitionKey(position), position);
    }

    /// <summary>One page, newest first: an owner's (of a status, or all), a status's across owners, or everything.</summary>
    public async Task<ListingPage<TItem>> ListAsync(ListingQuery<TStatus> query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await _created.EnsureAsync();
        if (query.Group is not null)
        {
            return await ListGroupAsync(query.Owner!, query.Group, query.Limit, query.After, cancellationToken);
        }

        if (query.Owner is not null || query.Status is not null)
        {
            var (items, next) = await _listing.ListAsync(query.Owner, query.Status, query.Limit, query.After, Read, cancellationToken, query.Labels, _labels);
            return new ListingPage<TItem>(items, next);
        }

        var filter = query.After is null
            ? PositionRows
            : TableClient.CreateQueryFilter($"PartitionKey ge {TaskKeys.PartitionKey(query.After)} and PartitionKey lt {":"} and RowKey gt {query.After}");
        var page = new List<TItem>(query.Limit);
        string? last = null;
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(query.Limit + 1, 1000), select: [ItemTextProperty], cancellationToken: cancellationToken))
        {
            if (page.Count == query.Limit)
            {
                return new ListingPage<TItem>(page, last);
            }

            page.Add(JsonSerializer.Deserialize<TItem>(row.GetString(ItemTextProperty), _json)!);
            last = row.RowKey;
        }

        return new ListingPage<TItem>(page, null);
    }

    /// <summary>One page, newest first, of the owner's items in <paramref name="group"/>.</summary>
    private async Task<ListingPage<TItem>> ListGroupAsync(string owner, string group, int limit, string? after, CancellationToken cancellationToken = default)
    {
        var (items, next) = await _listing.ListGroupAsync(owner, group, limit, after, Read, cancellationToken);
        return new ListingPage<TItem>(items, next);
    }

    private TItem Read(byte[] item) => JsonSerializer.Deserialize<TItem>(item, _json)!;

    /// <summary>True when an item is listed under <paramref name="id"/>: one point read.</summary>
    public async Task<bool> ExistsAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await _created.EnsureAsync();
        var position = TaskKeys.RowKey(id);
        return (await _table.GetEntityIfExistsAsync<TableEntity>(TaskKeys.PartitionKey(position), position, ["PartitionKey"], cancellationToken)).HasValue;
    }

    /// <summary>Writes the listing rows of items stored before listing rows existed (see <see cref="TableListingIndex{TStatus}.MigrateAsync"/>).</summary>
    public Task<int> MigrateAsync(CancellationToken cancellationToken) =>
        _listing.MigrateAsync(
            _table, PositionRows, ["Owner", "Status", ItemTextProperty],
            row => (row.GetString("Owner"), Enum.Parse<TStatus>(row.GetString("Status")), System.Text.Encoding.UTF8.GetBytes(row.GetString(ItemTextProperty))),
            cancellationToken);

    public ValueTask DisposeAsync() => _listing.DisposeAsync();
}
