using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using TaskOrchestrator.Labels;
using TaskOrchestrator.Storage;

namespace TaskOrchestrator.Listing;

/// <summary>
/// The listing rows of one kind of resource in Azure tables (see <see cref="ListingKeys"/> for the layout): written
/// after each state change of a resource, read a page at a time. Each row carries the resource as the listing shows
/// it (its <c>Item</c> properties), so a page is one query and no point reads.
/// </summary>
/// <typeparam name="TStatus">The resource's status enum; its values are 0 to 7 and its names are used in keys.</typeparam>
internal sealed class TableListingIndex<TStatus> : IAsyncDisposable
    where TStatus : struct, Enum
{
    /// <summary>The property holding the listed item (with <c>Item1</c>, <c>Item2</c>, … when it is longer than one property holds).</summary>
    public const string ItemProperty = "Item";

    /// <summary>The partition of this index's own bookkeeping rows (outside every listing's key range).</summary>
    public const string MetaPartition = "meta";

    // Owner tables known to exist: remembered so that each is created once per process (a bounded memory, not a cache
    // that must be right: creating a table that exists is harmless).
    private const int MaxKnownOwnerTables = 100_000;

    private static readonly string[] StatusNames = Enum.GetNames<TStatus>();

    private readonly TableServiceClient _tables;
    private readonly TableClient _table;
    private readonly TableBatchWriter _writer;
    private readonly Func<Task> _ensureTable;
    private readonly ConcurrentDictionary<string, OwnerTable> _ownerTables = new(StringComparer.Ordinal);

    public TableListingIndex(TableServiceClient tables, string tableName, Func<Task> ensureTable)
    {
        ArgumentNullException.ThrowIfNull(tables);
        _tables = tables;
        _table = tables.GetTableClient(tableName);
        _ensureTable = ensureTable;
        _writer = new TableBatchWriter(_table, concurrentFlushes: 1, StorageClients.TransactionSenderFor(tables));
    }

    /// <summary>
    /// The most rows a page filtered on its items (a listing by several labels) reads before it ends, short or empty, with
    /// a cursor to go on from: one storage page, whatever the filter matches.
    /// </summary>
    public const int MaxRowsPerFilteredPage = 1000;

    /// <summary>
    /// Makes the listing rows of resource <paramref name="position"/> show <paramref name="item"/> in
    /// <paramref name="status"/> (with its <paramref name="labels"/>' rows), and deletes the rows of the
    /// <paramref name="stale"/> statuses and of the stale labels (missing ones are fine). The owner's rows change in one
    /// transaction; the cross-owner status rows beside it.
    /// </summary>
    public async Task WriteAsync(
        string position, string owner, TStatus status, StatusSet stale, ReadOnlyMemory<byte> item, IReadOnlyList<string>? groups = null, LabelRows? labelRows = null)
    {
        var labels = labelRows ?? LabelRows.None;
        var ownerTable = await OwnerTableAsync(owner);
        await _ensureTable();
        var current = StatusNames[ToInt(status)];
        var writes = new List<Task>(8)
        {
            Upsert(ownerTable, ListingKeys.OwnerPartition, ListingKeys.AllPrefix + position, item),
            Upsert(ownerTable, ListingKeys.OwnerPartition, ListingKeys.StatusPrefix(current) + position, item),
            Upsert(_table, ListingKeys.StatusPartition(current, position), position, item),
        };
        foreach (var group in groups ?? [])
        {
            writes.Add(Upsert(ownerTable, ListingKeys.OwnerPartition, ListingKeys.GroupPrefix(group) + position, item));
        }

        foreach (var label in labels.Current)
        {
            writes.Add(Upsert(ownerTable, ListingKeys.OwnerPartition, ListingKeys.LabelPrefix(label) + position, item));
            writes.Add(Upsert(ownerTable, ListingKeys.OwnerPartition, ListingKeys.LabelStatusPrefix(current, label) + position, item));
        }

        foreach (var label in labels.Stale)
        {
            writes.Add(Delete(ownerTable, ListingKeys.OwnerPartition, ListingKeys.LabelPrefix(label) + position));
            writes.Add(Delete(ownerTable, ListingKeys.OwnerPartition, ListingKeys.LabelStatusPrefix(current, label) + position));
        }

        foreach (var old in stale.Without(ToInt(status)).Members(StatusNames.Length))
        {
            writes.Add(Delete(ownerTable, ListingKeys.OwnerPartition, ListingKeys.StatusPrefix(StatusNames[old]) + position));
            writes.Add(Delete(_table, ListingKeys.StatusPartition(StatusNames[old], position), position));
            foreach (var label in labels.All)
            {
                writes.Add(Delete(ownerTable, ListingKeys.OwnerPartition, ListingKeys.LabelStatusPrefix(StatusNames[old], label) + position));
            }
        }

        await Task.WhenAll(writes);
    }

    /// <summary>Deletes one row of this index's table (a missing one is fine).</summary>
    public async Task DeleteRowAsync(string partition, string row)
    {
        await _ensureTable();
        await Delete(_table, partition, row);
    }

    /// <summary>One page, newest first, of the owner's items in <paramref name="group"/>; returns the items and the position the page ended at.</summary>
    public async Task<(List<T> Items, string? Next)> ListGroupAsync<T>(string owner, string group, int limit, string? after, Func<byte[], T> read, CancellationToken cancellationToken)
    {
        var prefix = ListingKeys.GroupPrefix(group);
        var table = _tables.GetTableClient(ListingKeys.OwnerTable(_table.Name, owner));
        var filter = after is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {ListingKeys.OwnerPartition} and RowKey ge {prefix} and RowKey lt {prefix + ListingKeys.RangeEnd}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {ListingKeys.OwnerPartition} and RowKey gt {prefix + after} and RowKey lt {prefix + ListingKeys.RangeEnd}");
        return await QueryPageAsync(table, filter, prefix.Length, limit, ownerTable: true, read, keep: null, cancellationToken);
    }

    /// <summary>Writes one row of this index's table through the same group commit as the listing rows.</summary>
    public async Task UpsertRowAsync(TableEntity entity)
    {
        await _ensureTable();
        await _writer.WriteAsync(new TableTransactionAction(TableTransactionActionType.UpsertReplace, entity));
    }

    /// <summary>
    /// Deletes every listing row of resource <paramref name="position"/> in the <paramref name="statuses"/>, those of
    /// <paramref name="labels"/> included (missing ones are fine).
    /// </summary>
    public async Task RemoveAsync(string position, string owner, StatusSet statuses, IReadOnlyList<string>? groups = null, IReadOnlyCollection<string>? labels = null)
    {
        await _ensureTable();
        var ownerTable = _tables.GetTableClient(ListingKeys.OwnerTable(_table.Name, owner));
        var writes = new List<Task> { Delete(ownerTable, ListingKeys.OwnerPartition, ListingKeys.AllPrefix + position) };
        foreach (var group in groups ?? [])
        {
            writes.Add(Delete(ownerTable, ListingKeys.OwnerPartition, ListingKeys.GroupPrefix(group) + position));
        }

        foreach (var label in labels ?? [])
        {
            writes.Add(Delete(ownerTable, ListingKeys.OwnerPartition, ListingKeys.LabelPrefix(label) + position));
        }

        foreach (var status in statuses.Members(StatusNames.Length))
        {
            writes.Add(Delete(ownerTable, ListingKeys.OwnerPartition, ListingKeys.StatusPrefix(StatusNames[status]) + position));
            writes.Add(Delete(_table, ListingKeys.StatusPartition(StatusNames[status], position), position));
            foreach (var label in labels ?? [])
            {
                writes.Add(Delete(ownerTable, ListingKeys.OwnerPartition, ListingKeys.LabelStatusPrefix(StatusNames[status], label) + position));
            }
        }

        await Task.WhenAll(writes);
    }

    /// <summary>
    /// One page, newest first: the owner's items (of one status, or all; with <paramref name="labels"/>, only those
    /// carrying each of them, as <paramref name="labelsOf"/> reads an item's) or, with no owner, every owner's items of
    /// one status. <paramref name="after"/> is the position the previous page ended at. Returns the items and the
    /// position to go on from when more may follow. A listing by labels reads the rows of the first and checks every
    /// label on each item: it reads at most <see cref="MaxRowsPerFilteredPage"/> rows, so its page may come back short.
    /// </summary>
    public async Task<(List<T> Items, string? Next)> ListAsync<T>(
        string? owner, TStatus? status, int limit, string? after, Func<byte[], T> read, CancellationToken cancellationToken,
        IReadOnlyList<KeyValuePair<string, string>>? labels = null, Func<T, IReadOnlyDictionary<string, string>?>? labelsOf = null)
    {
        await _ensureTable();
        TableClient table;
        string filter;
        int positionStart;
        Func<T, bool>? keep = null;
        if (labels is { Count: > 0 })
        {
            if (owner is null || labelsOf is null)
            {
                throw new ArgumentException("A listing by label is of one owner's items, and needs to read each item's labels.", nameof(labels));
            }

            keep = item => LabelSet.Matches(labelsOf(item), labels);
        }

        if (owner is not null)
        {
            var label = labels is [var l, ..] ? ListingKeys.LabelDigest(l.Key, l.Value) : null;
            var prefix = (status, label) switch
            {
                ({ } s, { } digest) => ListingKeys.LabelStatusPrefix(StatusNames[ToInt(s)], digest),
                (null, { } digest) => ListingKeys.LabelPrefix(digest),
                ({ } s, null) => ListingKeys.StatusPrefix(StatusNames[ToInt(s)]),
                _ => ListingKeys.AllPrefix,
            };
            positionStart = prefix.Length;
            table = _tables.GetTableClient(ListingKeys.OwnerTable(_table.Name, owner));
            filter = after is null
                ? TableClient.CreateQueryFilter($"PartitionKey eq {ListingKeys.OwnerPartition} and RowKey ge {prefix} and RowKey lt {prefix + ListingKeys.RangeEnd}")
                : TableClient.CreateQueryFilter($"PartitionKey eq {ListingKeys.OwnerPartition} and RowKey gt {prefix + after} and RowKey lt {prefix + ListingKeys.RangeEnd}");
        }
        else
        {
            var prefix = ListingKeys.StatusPrefix(StatusNames[ToInt(status ?? throw new ArgumentException("A listing across owners is by status.", nameof(status)))]);
            positionStart = 0;
            table = _table;

            // Row keys are positions, and a position's partition is its hour: key order across partitions is newest first too.
            filter = after is null
                ? TableClient.CreateQueryFilter($"PartitionKey ge {prefix} and PartitionKey lt {prefix + ListingKeys.RangeEnd}")
                : TableClient.CreateQueryFilter($"PartitionKey ge {ListingKeys.StatusPartition(StatusNames[ToInt(status.Value)], after)} and PartitionKey lt {prefix + ListingKeys.RangeEnd} and RowKey gt {after}");
        }

        return await QueryPageAsync(table, filter, positionStart, limit, ownerTable: owner is not null, read, keep, cancellationToken);
    }

    /// <summary>
    /// Reads one page of rows: the first <paramref name="limit"/> items <paramref name="keep"/> keeps (all without it),
    /// and the position to go on from when more may follow: after the last item, or, when a filtered page has read
    /// <see cref="MaxRowsPerFilteredPage"/> rows, after the last row read.
    /// </summary>
    private static async Task<(List<T> Items, string? Next)> QueryPageAsync<T>(
        TableClient table, string filter, int positionStart, int limit, bool ownerTable, Func<byte[], T> read, Func<T, bool>? keep,
        CancellationToken cancellationToken)
    {
        var items = new List<T>(limit);
        string? lastPosition = null;
        var rowsRead = 0;
        try
        {
            var pageSize = keep is null ? Math.Min(limit + 1, 1000) : MaxRowsPerFilteredPage;
            await foreach (var row in table.QueryAsync<TableEntity>(filter, maxPerPage: pageSize, cancellationToken: cancellationToken))
            {
                if (keep is null && items.Count == limit)
                {
                    return (items, lastPosition);
                }

                var position = row.RowKey[positionStart..];
                var item = read(ReadItem(row));
                if (keep is null || keep(item))
                {
                    if (items.Count == limit)
                    {
                        return (items, lastPosition);
                    }

                    items.Add(item);
                    lastPosition = position;
                }

                if (keep is not null && ++rowsRead == MaxRowsPerFilteredPage)
                {
                    return (items, position);
                }
            }
        }
        catch (RequestFailedException e) when (e.Status == 404 && ownerTable)
        {
            // An owner who never wrote anything has no table yet: an empty listing.
        }

        return (items, null);
    }

    /// <summary>
    /// Writes the listing rows of every row of <paramref name="source"/> (matching <paramref name="filter"/>) that lacks
    /// <see cref="AzureTaskStorage.LayoutProperty"/>, i.e. was stored before listing rows existed; then records in this
    /// index that it is done, and does nothing on later calls. Each such row is read, its listing rows written (those of
    /// any other status deleted), and the row read again: if it changed meanwhile (a live write, whose own listing write
    /// may have landed before this one), its listing rows are written again from what it holds now, until it stands still.
    /// </summary>
    public async Task<int> MigrateAsync(
        TableClient source, string? filter, IEnumerable<string> select, Func<TableEntity, (string Owner, TStatus Status, byte[] Item)> read, CancellationToken cancellationToken)
    {
        await _ensureTable();
        var marker = $"listing-migration-{source.Name}";
        if ((await _table.GetEntityIfExistsAsync<TableEntity>(MetaPartition, marker, cancellationToken: cancellationToken)).HasValue)
        {
            return 0;
        }

        var columns = select.Concat(["PartitionKey", "RowKey", AzureTaskStorage.LayoutProperty]).ToArray();
        var written = 0;
        await foreach (var row in source.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: columns, cancellationToken: cancellationToken))
        {
            if (row.ContainsKey(AzureTaskStorage.LayoutProperty))
            {
                continue;
            }

            var current = row;
            for (var round = 0; round < 10 && current is not null && !current.ContainsKey(AzureTaskStorage.LayoutProperty); round++)
            {
                var (owner, status, item) = read(current);
                await WriteAsync(current.RowKey, owner, status, StatusSet.All, item);
                var again = await source.GetEntityIfExistsAsync<TableEntity>(current.PartitionKey, current.RowKey, columns, cancellationToken);
                current = again.HasValue && again.Value!.ETag != current.ETag ? again.Value : null;
            }

            written++;
        }

        await _table.UpsertEntityAsync(new TableEntity(MetaPartition, marker) { ["Done"] = true, ["At"] = DateTimeOffset.UtcNow }, cancellationToken: cancellationToken);
        return written;
    }

    /// <summary>
    /// The secret named <paramref name="name"/> kept in this index's bookkeeping rows: the first caller anywhere creates
    /// it (<paramref name="bytes"/> random bytes), every later one reads the same.
    /// </summary>
    public async Task<byte[]> ReadOrCreateSecretAsync(string name, int bytes, CancellationToken cancellationToken)
    {
        await _ensureTable();
        for (var attempt = 0; ; attempt++)
        {
            var existing = await _table.GetEntityIfExistsAsync<TableEntity>(MetaPartition, name, cancellationToken: cancellationToken);
            if (existing is { HasValue: true, Value: { } row } && row.GetBinary("Secret") is { } secret && secret.Length == bytes)
            {
                return secret;
            }

            try
            {
                var created = System.Security.Cryptography.RandomNumberGenerator.GetBytes(bytes);
                await _table.AddEntityAsync(new TableEntity(MetaPartition, name) { ["Secret"] = created }, cancellationToken);
                return created;
            }
            catch (RequestFailedException e) when (e.Status == 409 && attempt < 3)
            {
                // Another silo created it first: read theirs.
            }
        }
    }

    public ValueTask DisposeAsync() => _writer.DisposeAsync();

    /// <summary>The item of a listing row, joined from its properties.</summary>
    public static byte[] ReadItem(TableEntity row) => ItemChunks.Read(row, ItemProperty);

    /// <summary>The owner's table, created on first use (remembered per process, with its client: one per write would cost a URI build each).</summary>
    private async Task<TableClient> OwnerTableAsync(string owner)
    {
        if (_ownerTables.Count >= MaxKnownOwnerTables)
        {
            _ownerTables.Clear();
        }

        var known = _ownerTables.GetOrAdd(owner, o =>
        {
            var name = ListingKeys.OwnerTable(_table.Name, o);
            return new OwnerTable(_tables.GetTableClient(name), new TableCreation(_tables, name));
        });
        await known.Creation.EnsureAsync();
        return known.Table;
    }

    private Task Upsert(TableClient table, string partition, string row, ReadOnlyMemory<byte> item)
    {
        var entity = new TableEntity(partition, row);
        ItemChunks.Write(entity, ItemProperty, item);
        return _writer.WriteAsync(table, new TableTransactionAction(TableTransactionActionType.UpsertReplace, entity));
    }

    private Task Delete(TableClient table, string partition, string row) =>
        _writer.WriteAsync(table, new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partition, row), ETag.All), missingIsFine: true);

    private static int ToInt(TStatus status) => Convert.ToInt32(status, System.Globalization.CultureInfo.InvariantCulture);

    private sealed record OwnerTable(TableClient Table, TableCreation Creation);
}
