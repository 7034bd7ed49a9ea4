using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;
using TaskOrchestrator.Indexing;
using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Storage;

/// <summary>
/// Task grain state in an Azure Storage table, one row per task, with the listing columns beside the state so
/// that listings are one query and every change is one row write. Writes go through a <see cref="TableBatchWriter"/>
/// (group commit), new tasks minted in this process skip the activation read, and reads are point reads.
/// </summary>
public sealed class AzureTaskStorage : IGrainStorage, ITaskIndex, IAsyncDisposable
{
    /// <summary>The table used unless configured otherwise.</summary>
    public const string DefaultTableName = "Tasks";

    // A binary property holds at most 64 KiB; a row at most 1 MiB.
    private const int ChunkBytes = 64_000;
    private const int MaxChunks = 15;

    private readonly TableClient _table;
    private readonly TableBatchWriter _writer;
    private readonly Serializer _serializer;
    private readonly TaskIdMinter _minter;
    private readonly Lazy<Task> _created;

    /// <summary>Creates the store over <paramref name="tableName"/> (created on first use).</summary>
    public AzureTaskStorage(TableServiceClient tables, string tableName, Serializer serializer, TaskIdMinter minter)
    {
        _table = tables.GetTableClient(tableName);
        _writer = new TableBatchWriter(_table, concurrentFlushes: 1);
        _serializer = serializer;
        _minter = minter;
        _created = new Lazy<Task>(() => tables.CreateTableIfNotExistsAsync(tableName));
    }

    /// <inheritdoc />
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var id = grainId.GetGuidKey();
        grainState.ETag = null;
        grainState.RecordExists = false;
        if (_minter.TryClaimNew(id))
        {
            return;
        }

        await _created.Value;
        var rowKey = TaskKeys.RowKey(id);
        var response = await _table.GetEntityIfExistsAsync<TableEntity>(TaskKeys.PartitionKey(rowKey), rowKey);
        if (response is { HasValue: true, Value: { } entity })
        {
            grainState.State = TaskRow.ReadState<T>(ReadChunks(entity), _serializer);
            grainState.ETag = entity.ETag.ToString();
            grainState.RecordExists = true;
        }
    }

    /// <inheritdoc />
    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await _created.Value;
        var row = TaskRow.From(grainId.GetGuidKey(), grainState.State, _serializer);
        var (entity, bytes) = ToEntity(row);
        var action = grainState.ETag is null
            ? new TableTransactionAction(TableTransactionActionType.Add, entity)
            : new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, new ETag(grainState.ETag));
        var etag = await _writer.WriteAsync(action, bytes);
        grainState.ETag = etag.ToString();
        grainState.RecordExists = true;
    }

    /// <inheritdoc />
    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (grainState.ETag is not null)
        {
            var rowKey = TaskKeys.RowKey(grainId.GetGuidKey());
            var entity = new TableEntity(TaskKeys.PartitionKey(rowKey), rowKey);
            await _writer.WriteAsync(new TableTransactionAction(TableTransactionActionType.Delete, entity, new ETag(grainState.ETag)), 1024);
        }

        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    /// <inheritdoc />
    public async Task<TaskPage> ListAsync(TaskQuery query, CancellationToken cancellationToken = default)
    {
        await _created.Value;
        var items = new List<TaskSnapshot>(query.Limit);
        var rows = _table.QueryAsync<TableEntity>(ListingFilter.For(query.After, query.Owner, query.Status?.ToString()), maxPerPage: Math.Min(query.Limit + 1, 1000), select: ["Task"], cancellationToken: cancellationToken);
        await foreach (var row in rows)
        {
            if (items.Count == query.Limit)
            {
                return new TaskPage(items, TaskKeys.RowKey(items[^1].Id));
            }

            items.Add(JsonSerializer.Deserialize<TaskSnapshot>(row.GetBinary("Task"), TaskIndexJson.Options)!);
        }

        return new TaskPage(items, null);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _writer.DisposeAsync();

    private static (TableEntity Entity, long Bytes) ToEntity(TaskRow row)
    {
        // UTF-8 in a binary property: 64 KiB, where a string property holds 32K characters.
        var snapshot = JsonSerializer.SerializeToUtf8Bytes(row.Snapshot, TaskIndexJson.Options);
        var entity = new TableEntity(TaskKeys.PartitionKey(row.RowKey), row.RowKey)
        {
            ["Owner"] = row.Owner,
            ["Status"] = row.Status.ToString(),
            ["Task"] = snapshot,
        };
        var chunks = (row.State.Length + ChunkBytes - 1) / ChunkBytes;
        if (chunks > MaxChunks)
        {
            throw new InvalidOperationException($"Task state of {row.State.Length} bytes does not fit in one table row.");
        }

        for (var i = 0; i < chunks; i++)
        {
            entity[ChunkName(i)] = row.State.AsSpan(i * ChunkBytes, Math.Min(ChunkBytes, row.State.Length - i * ChunkBytes)).ToArray();
        }

        return (entity, row.State.Length + snapshot.Length + 512);
    }

    private static byte[] ReadChunks(TableEntity entity)
    {
        var parts = new List<byte[]>();
        for (var i = 0; entity.GetBinary(ChunkName(i)) is { } part; i++)
        {
            parts.Add(part);
        }

        return [.. parts.SelectMany(p => p)];
    }

    private static string ChunkName(int index) => index == 0 ? "State" : $"State{index}";
}
