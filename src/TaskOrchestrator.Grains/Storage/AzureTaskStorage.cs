using Azure;
using Azure.Data.Tables;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;
using TaskOrchestrator.Indexing;
using TaskOrchestrator.Listing;
using TaskOrchestrator.Retention;
using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Storage;

/// <summary>
/// Task grain state in an Azure Storage table, one row per task keyed by its position (see <see cref="TaskKeys"/>),
/// with the task as listings show it beside the state; and the task's listing rows (see <see cref="ListingKeys"/>)
/// in a second table, <c>{table}Index</c>. Writes go through a <see cref="TableBatchWriter"/> (group commit), new tasks
/// minted in this process skip the activation read, and reads are point reads.
/// </summary>
/// <remarks>
/// A write stores the state row first, then the listing rows: the state is what the task runs from, and a listing row
/// is written only for a state that was stored. The state row also records every status whose listing rows may exist
/// (<see cref="TaskGrainState.ListingStatuses"/>), so that rows a crash left between the two writes are deleted by the
/// task's next write; a finished task whose listing write failed keeps its reminder, whose next tick writes it again.
/// </remarks>
public sealed class AzureTaskStorage : IGrainStorage, ITaskIndex, IListingMigration, IAsyncDisposable
{
    /// <summary>The table used unless configured otherwise.</summary>
    public const string DefaultTableName = "Tasks";

    /// <summary>The property of a state row that holds the task as listings show it.</summary>
    internal const string ListedProperty = "Task";

    /// <summary>The property of a state row that holds the grain state.</summary>
    internal const string StateProperty = "State";

    /// <summary>The property that marks a state row written with listing rows (rows without it predate them).</summary>
    internal const string LayoutProperty = "Layout";

    /// <summary>The value of <see cref="LayoutProperty"/> of rows whose listing rows are kept.</summary>
    internal const int ListedLayout = 2;

    private static readonly string[] ListedColumns = [.. ItemChunks.Names(ListedProperty)];

    private readonly TableClient _table;
    private readonly TableBatchWriter _writer;
    private readonly TableListingIndex<ScheduledTaskStatus> _listing;
    private readonly Serializer _serializer;
    private readonly TaskIdMinter _minter;
    private readonly TableCreation _created;

    /// <summary>
    /// Where a finished task's expiry row is filed, with its listing rows (after the state row; when that fails the task
    /// keeps its reminder and writes them again). None: finished tasks are never swept.
    /// </summary>
    public IExpiryIndex? Expiry { get; init; }

    /// <summary>The clock listings hide expired tasks by (the sweep removes their rows soon after).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Creates the store over <paramref name="tableName"/> and <c>{tableName}Index</c> (both created on first use).</summary>
    public AzureTaskStorage(TableServiceClient tables, string tableName, Serializer serializer, TaskIdMinter minter)
        : this(tables, tables, tableName, serializer, minter)
    {
    }

    /// <summary>Creates the store with its listing rows reached through <paramref name="indexTables"/> (tests make that one fail).</summary>
    internal AzureTaskStorage(TableServiceClient tables, TableServiceClient indexTables, string tableName, Serializer serializer, TaskIdMinter minter)
    {
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(indexTables);
        _table = tables.GetTableClient(tableName);
        _writer = new TableBatchWriter(_table, concurrentFlushes: 1, StorageClients.TransactionSenderFor(tables));
        var indexTable = IndexTableName(tableName);
        _created = new TableCreation(tables, tableName);
        _listing = new TableListingIndex<ScheduledTaskStatus>(indexTables, indexTable, new TableCreation(indexTables, indexTable).EnsureAsync);
        _serializer = serializer;
        _minter = minter;
    }

    /// <summary>The table of the listing rows of the tasks in <paramref name="tableName"/>.</summary>
    public static string IndexTableName(string tableName) => tableName + "Index";

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

        await _created.EnsureAsync();
        var rowKey = TaskKeys.RowKey(id);
        var response = await _table.GetEntityIfExistsAsync<TableEntity>(TaskKeys.PartitionKey(rowKey), rowKey);
        if (response is { HasValue: true, Value: { } entity })
        {
            grainState.State = TaskRow.ReadState<T>(ItemChunks.Read(entity, StateProperty), _serializer);
            grainState.ETag = entity.ETag.ToString();
            grainState.RecordExists = true;
        }
    }

    /// <inheritdoc />
    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await _created.EnsureAsync();
        var task = TaskRow.Task(grainState.State);

        // A task stored before listing rows existed may have rows of any status (the migration writes them): delete all.
        var stale = task.ListingStatuses.IsEmpty && grainState.ETag is not null ? StatusSet.All : task.ListingStatuses;

        // A write after the one that finished the task (a callback's progress) finds that one's rows, the expiry row included, in place.
        var expiryWritten = task.ListingStatuses == StatusSet.Of((int)task.Status);
        task.ListingStatuses = stale.With((int)task.Status);
        var labels = LabelRows.For(task.Definition!.Labels, task.ListingLabels);
        task.ListingLabels = labels.Current.Count + labels.Stale.Count == 0 ? null : [.. labels.All];
        var row = TaskRow.From(grainId.GetGuidKey(), task, _serializer);
        var entity = new TableEntity(TaskKeys.PartitionKey(row.RowKey), row.RowKey)
        {
            ["Owner"] = row.Owner,
            ["Status"] = row.Status.ToString(),
            [LayoutProperty] = ListedLayout,
        };
        ItemChunks.Write(entity, ListedProperty, row.Listed);
        ItemChunks.Write(entity, StateProperty, row.State);
        var action = grainState.ETag is null
            ? new TableTransactionAction(TableTransactionActionType.Add, entity)
            : new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, new ETag(grainState.ETag));
        var etag = await _writer.WriteAsync(action);
        grainState.ETag = etag.ToString();
        grainState.RecordExists = true;

        try
        {
            await _listing.WriteAsync(row.RowKey, row.Owner, row.Status, stale, row.Listed, Groups(row.Snapshot.ScheduleId), labels);
            if (Expiry is not null && !expiryWritten && row.Status.IsFinal() && row.Snapshot.ExpiresAt is { } expiresAt)
            {
                await Expiry.AddAsync(ExpiryKind.Task, row.Id, expiresAt);
            }
        }
        catch (Exception e) when (e is RequestFailedException or AggregateException or OperationCanceledException or TimeoutException or RowTooLargeException)
        {
            throw new ListingWriteException($"Task {row.Id} was stored; its listing rows were not: {e.Message}", e);
        }

        task.ListingStatuses = StatusSet.Of((int)row.Status);
        task.ListingLabels = labels.Current.Count == 0 ? null : [.. labels.Current];
    }

    /// <inheritdoc />
    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (grainState.ETag is not null)
        {
            var id = grainId.GetGuidKey();
            var rowKey = TaskKeys.RowKey(id);

            // The listing rows first: a crash between the two leaves the state row, and the next attempt deletes both.
            if (grainState.State is TaskGrainState { Definition: { } definition } task)
            {
                var statuses = task.ListingStatuses.IsEmpty ? StatusSet.All : task.ListingStatuses.With((int)task.Status);
                var labels = LabelRows.For(definition.Labels, task.ListingLabels).All.ToList();
                await _listing.RemoveAsync(rowKey, definition.Owner, statuses, Groups(definition.ScheduleId), labels);
            }

            var entity = new TableEntity(TaskKeys.PartitionKey(rowKey), rowKey);
            await _writer.WriteAsync(new TableTransactionAction(TableTransactionActionType.Delete, entity, new ETag(grainState.ETag)));
        }

        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    /// <inheritdoc />
    public async Task<ListingPage<TaskSnapshot>> ListAsync(ListingQuery<ScheduledTaskStatus> query, CancellationToken cancellationToken = default)
    {
        await _created.EnsureAsync();
        if (query.Group is not null)
        {
            var (runs, after) = await _listing.ListGroupAsync(query.Owner!, query.Group, query.Limit, query.After, TaskRow.ReadListed, cancellationToken);
            return new ListingPage<TaskSnapshot>([.. runs.Where(Live)], after);
        }

        if (query.Owner is not null || query.Status is not null)
        {
            var (items, next) = await _listing.ListAsync(
                query.Owner, query.Status, query.Limit, query.After, TaskRow.ReadListed, cancellationToken, query.Labels, task => task.Labels);
            return new ListingPage<TaskSnapshot>([.. items.Where(Live)], next);
        }

        // Every owner's tasks, newest first: the state rows themselves, in key order.
        var filter = query.After is null
            ? null
            : TableClient.CreateQueryFilter($"PartitionKey ge {TaskKeys.PartitionKey(query.After)} and RowKey gt {query.After}");
        var page = new List<TaskSnapshot>(query.Limit);
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(query.Limit + 1, 1000), select: ListedColumns, cancellationToken: cancellationToken))
        {
            if (page.Count == query.Limit)
            {
                return new ListingPage<TaskSnapshot>(page, TaskKeys.RowKey(page[^1].Id));
            }

            if (TaskRow.ReadListed(ItemChunks.Read(row, ListedProperty)) is var listed && Live(listed))
            {
                page.Add(listed);
            }
        }

        return new ListingPage<TaskSnapshot>(page, null);
    }

    /// <inheritdoc />
    public async Task<bool> ExistsAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await _created.EnsureAsync();
        var rowKey = TaskKeys.RowKey(id);
        var response = await _table.GetEntityIfExistsAsync<TableEntity>(TaskKeys.PartitionKey(rowKey), rowKey, select: ["PartitionKey"], cancellationToken);
        return response.HasValue;
    }

    /// <summary>The deployment's id key (see <see cref="TaskIdMinter"/>), shared by every silo through the index table.</summary>
    public Task<byte[]> ReadOrCreateIdKeyAsync(CancellationToken cancellationToken) =>
        _listing.ReadOrCreateSecretAsync("id-key", TaskIdMinter.KeyBytes, cancellationToken);

    /// <inheritdoc />
    public string Kind => "tasks";

    /// <inheritdoc />
    public async Task<int> MigrateListingsAsync(CancellationToken cancellationToken)
    {
        await _created.EnsureAsync();
        return await _listing.MigrateAsync(
            _table, null, ListedColumns.Append("Owner").Append("Status"),
            row => (row.GetString("Owner"), Enum.Parse<ScheduledTaskStatus>(row.GetString("Status")), ItemChunks.Read(row, ListedProperty)),
            cancellationToken);
    }

    // A task past its retention is gone for the API, whether or not the sweep has removed its rows yet.
    private bool Live(TaskSnapshot task) => task.ExpiresAt is not { } at || at > Time.GetUtcNow();

    // The groups a task's listing rows belong to beside its owner's and status's: its schedule's runs.
    private static string[]? Groups(Guid? scheduleId) => scheduleId is { } schedule ? [ListingKeys.ScheduleGroup(schedule)] : null;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _writer.DisposeAsync();
        await _listing.DisposeAsync();
    }
}
