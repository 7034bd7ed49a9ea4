using Azure;
using Azure.Data.Tables;
using TaskOrchestrator.Storage;

namespace TaskOrchestrator.Retention;

/// <summary>
/// The expiry rows (tasks and orchestrations, told apart by row key) in an Azure Storage table (<c>{task table}Expiry</c>), partitioned by 10-second bucket of the expiry
/// instant (see <see cref="ExpiryKeys"/>). Azure Tables has no TTL: the sweep reads the partitions up to now (a range
/// of partition keys, so it reads what is due and not the table). Rows are added and deleted through group commit
/// (<see cref="TableBatchWriter"/>): the tasks finishing in one 10-second bucket share a partition, so under load their
/// expiry rows share a storage call, as the sweep's deletes of one bucket do.
/// </summary>
public sealed class AzureExpiryIndex : IExpiryIndex, IAsyncDisposable
{
    private const string ExpiresAtProperty = "ExpiresAt";
    private readonly TableClient _table;
    private readonly TableCreation _created;
    private readonly TableBatchWriter _writer;

    /// <summary>Creates the index over <paramref name="tableName"/> (created on first use).</summary>
    public AzureExpiryIndex(TableServiceClient tables, string tableName)
    {
        ArgumentNullException.ThrowIfNull(tables);
        _table = tables.GetTableClient(tableName);
        _created = new TableCreation(tables, tableName);
        _writer = new TableBatchWriter(_table, concurrentFlushes: 1, StorageClients.TransactionSenderFor(tables));
    }

    /// <summary>The table of the expiry rows of the tasks in <paramref name="taskTable"/>.</summary>
    public static string TableNameFor(string taskTable) => taskTable + "Expiry";

    /// <inheritdoc />
    public async Task AddAsync(ExpiryKind kind, Guid id, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        await _created.EnsureAsync();
        var entity = new TableEntity(ExpiryKeys.Bucket(expiresAt), ExpiryKeys.RowKey(kind, id)) { [ExpiresAtProperty] = expiresAt };
        await _writer.WriteAsync(new TableTransactionAction(TableTransactionActionType.UpsertReplace, entity)).WaitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ExpiryEntry>> DueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default)
    {
        await _created.EnsureAsync();
        var filter = TableClient.CreateQueryFilter($"PartitionKey le {ExpiryKeys.Bucket(now)}");
        var due = new List<ExpiryEntry>(Math.Min(limit, 1000));
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(limit, 1000), select: ["PartitionKey", "RowKey", ExpiresAtProperty], cancellationToken: cancellationToken))
        {
            var expiresAt = row.GetDateTimeOffset(ExpiresAtProperty) ?? DateTimeOffset.MinValue;
            if (expiresAt > now || !ExpiryKeys.TryParse(row.RowKey, out var kind, out var id))
            {
                // The rest of the current bucket is not due yet; a row that names no resource is not ours to touch.
                continue;
            }

            due.Add(new ExpiryEntry(row.PartitionKey, id, expiresAt, kind, row.ETag.ToString()));
            if (due.Count == limit)
            {
                break;
            }
        }

        return due;
    }

    /// <inheritdoc />
    public async Task RemoveAsync(IReadOnlyCollection<ExpiryEntry> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);

        // Each row in the version the sweep read: one filed again since (the same key in the same bucket) stays. A row
        // deleted already (a sweep that stopped midway) or changed is fine; the writer settles it alone and sends the others.
        await Task.WhenAll(entries.Select(e => _writer.WriteAsync(
            new TableTransactionAction(
                TableTransactionActionType.Delete, new TableEntity(e.Bucket, ExpiryKeys.RowKey(e.Kind, e.Id)), e.Version is { } version ? new ETag(version) : ETag.All),
            missingIsFine: true))).WaitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _writer.DisposeAsync();
}
