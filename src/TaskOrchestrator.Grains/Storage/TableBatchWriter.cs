using System.Threading.Channels;
using Azure;
using Azure.Data.Tables;
using Orleans.Storage;

namespace TaskOrchestrator.Storage;

/// <summary>
/// Group commit for one table. Writes queue up while earlier ones are in flight; each flush sends what has queued,
/// grouped by partition, as entity-group transactions of up to 100 rows. Idle, a write goes out at once (no linger);
/// under load, many writes share one storage call. Each caller's task completes only when its own row is stored,
/// so nothing is acknowledged before it is durable.
/// </summary>
internal sealed class TableBatchWriter : IAsyncDisposable
{
    private const int MaxRowsPerTransaction = 100;
    private const long MaxBytesPerTransaction = 3 * 1024 * 1024;
    private const int MaxRowsPerFlush = 2_000;

    private readonly TableClient _table;
    private readonly Channel<PendingWrite> _queue = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SemaphoreSlim _flushSlots;
    private readonly Task _loop;

    public TableBatchWriter(TableClient table, int concurrentFlushes)
    {
        _table = table;
        _flushSlots = new SemaphoreSlim(concurrentFlushes);
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Queues one row action; completes with the row's new ETag once it is stored.</summary>
    public Task<ETag> WriteAsync(TableTransactionAction action, long approximateBytes)
    {
        var pending = new PendingWrite(action, approximateBytes);
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(TableBatchWriter));
        }

        return pending.Completion.Task;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
        _flushSlots.Dispose();
    }

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        var flushes = new List<Task>();
        while (await reader.WaitToReadAsync())
        {
            await _flushSlots.WaitAsync();
            var rows = new List<PendingWrite>();
            while (rows.Count < MaxRowsPerFlush && reader.TryRead(out var pending))
            {
                rows.Add(pending);
            }

            flushes.RemoveAll(f => f.IsCompleted);
            flushes.Add(FlushAsync(rows));
        }

        await Task.WhenAll(flushes);
    }

    private async Task FlushAsync(List<PendingWrite> rows)
    {
        try
        {
            await Task.WhenAll(Transactions(rows).Select(SendAsync));
        }
        finally
        {
            _flushSlots.Release();
        }
    }

    /// <summary>Rows of one partition, in transactions under the row and size limits, no row twice in one.</summary>
    private static IEnumerable<List<PendingWrite>> Transactions(List<PendingWrite> rows)
    {
        foreach (var partition in rows.GroupBy(r => r.Action.Entity.PartitionKey))
        {
            var current = new List<PendingWrite>();
            var keys = new HashSet<string>(StringComparer.Ordinal);
            long bytes = 0;
            foreach (var row in partition)
            {
                if (current.Count == MaxRowsPerTransaction || bytes + row.ApproximateBytes > MaxBytesPerTransaction || !keys.Add(row.Action.Entity.RowKey))
                {
                    yield return current;
                    (current, bytes) = ([], 0);
                    keys.Clear();
                    keys.Add(row.Action.Entity.RowKey);
                }

                current.Add(row);
                bytes += row.ApproximateBytes;
            }

            if (current.Count > 0)
            {
                yield return current;
            }
        }
    }

    private async Task SendAsync(List<PendingWrite> rows)
    {
        while (rows.Count > 0)
        {
            try
            {
                if (rows.Count == 1)
                {
                    rows[0].Completion.TrySetResult(await SendOneAsync(rows[0].Action));
                    return;
                }

                var response = await _table.SubmitTransactionAsync(rows.Select(r => r.Action));
                for (var i = 0; i < rows.Count; i++)
                {
                    rows[i].Completion.TrySetResult(response.Value[i].Headers.ETag ?? default);
                }

                return;
            }
            catch (TableTransactionFailedException e) when (e.FailedTransactionActionIndex is int failed && failed < rows.Count)
            {
                // The transaction applied nothing: fail the row that broke it and send the others again.
                rows[failed].Completion.TrySetException(Translate(e));
                rows.RemoveAt(failed);
            }
            catch (Exception e)
            {
                foreach (var row in rows)
                {
                    row.Completion.TrySetException(Translate(e));
                }

                return;
            }
        }
    }

    private async Task<ETag> SendOneAsync(TableTransactionAction action)
    {
        var entity = action.Entity;
        Response response = action.ActionType switch
        {
            TableTransactionActionType.Add => await _table.AddEntityAsync(entity),
            TableTransactionActionType.UpdateReplace => await _table.UpdateEntityAsync(entity, action.ETag, TableUpdateMode.Replace),
            TableTransactionActionType.Delete => await _table.DeleteEntityAsync(entity.PartitionKey, entity.RowKey, action.ETag),
            _ => throw new NotSupportedException($"Row action {action.ActionType} is not used by the task store."),
        };
        return response.Headers.ETag ?? default;
    }

    /// <summary>A lost optimistic-concurrency race is Orleans' <see cref="InconsistentStateException"/>.</summary>
    private static Exception Translate(Exception e) => e is RequestFailedException { Status: 409 or 412 or 404 } failed
        ? new InconsistentStateException($"The task row changed underneath this write ({failed.Status} {failed.ErrorCode}).", failed)
        : e;

    private sealed record PendingWrite(TableTransactionAction Action, long ApproximateBytes)
    {
        public TaskCompletionSource<ETag> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
