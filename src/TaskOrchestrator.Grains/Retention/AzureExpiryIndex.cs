using Azure;
using Azure.Data.Tables;
using TaskOrchestrator.Storage;

namespace TaskOrchestrator.Retention;

/// <summary>
/// The expiry rows (tasks and orchestrations, told apart by row key) in an Azure Storage table (<c>{task table}Expiry</c>), partitioned by 10-second bucket of the expiry
/// instant (see <see cref="ExpiryKeys"/>). Azure Tables has no TTL: the sweep reads the partitions up to now (a range
/// of partition keys, so it reads what is due and not the table) and deletes rows in batches of up to 100 per bucket.
/// </summary>
public sealed class AzureExpiryIndex : IExpiryIndex
{
    private const string ExpiresAtProperty = "ExpiresAt";
    private const int MaxBatch = 100;
    private readonly TableClient _table;
    private readonly TableCreation _created;

    /// <summary>Creates the index over <paramref name="tableName"/> (created on first use).</summary>
    public AzureExpiryIndex(TableServiceClient tables, string tableName)
    {
        ArgumentNullException.ThrowIfNull(tables);
        _table = tables.GetTableClient(tableName);
        _created = new TableCreation(tables, tableName);
    }

    /// <summary>The table of the expiry rows of the tasks in <paramref name="taskTable"/>.</summary>
    public static string TableNameFor(string taskTable) => taskTable + "Expiry";

    /// <inheritdoc />
    public async Task AddAsync(ExpiryKind kind, Guid id, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        await _created.EnsureAsync();
        var entity = new TableEntity(ExpiryKeys.Bucket(expiresAt), ExpiryKeys.RowKey(kind, id)) { [ExpiresAtProperty] = expiresAt };
        await _table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
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

            due.Add(new ExpiryEntry(row.PartitionKey, id, expiresAt, kind));
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
        foreach (var bucket in entries.GroupBy(e => e.Bucket))
        {
            foreach (var chunk in bucket.Chunk(MaxBatch))
            {
                var actions = chunk.Select(e => new TableTransactionAction(
                    TableTransactionActionType.Delete, new TableEntity(e.Bucket, ExpiryKeys.RowKey(e.Kind, e.Id)), ETag.All));
                try
                {
                    await _table.SubmitTransactionAsync(actions, cancellationToken);
                }
                catch (TableTransactionFailedException)
                {
                    // A row of the batch was deleted already (a sweep that stopped midway): one by one, a missing one is fine.
                    foreach (var entry in chunk)
                    {
                        await _table.DeleteEntityAsync(entry.Bucket, ExpiryKeys.RowKey(entry.Kind, entry.Id), ETag.All, cancellationToken);
                    }
                }
            }
        }
    }
}
