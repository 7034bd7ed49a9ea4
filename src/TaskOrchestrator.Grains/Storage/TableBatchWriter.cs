using System.Threading.Channels;
using Azure;
using Azure.Data.Tables;
using Orleans.Storage;
using TaskOrchestrator.Storage.Transactions;

namespace TaskOrchestrator.Storage;

/// <summary>
/// Group commit. Writes queue up while earlier ones are in flight; each flush sends what has queued, grouped by table
/// and partition, as entity-group transactions of up to 100 rows. Idle, a write goes out at once (no linger);
/// under load, many writes share one storage call. Each caller's task completes only when its own row is stored,
/// so nothing is acknowledged before it is durable.
/// </summary>
internal sealed class TableBatchWriter : IAsyncDisposable
{
    /// <summary>The most rows Azure Table storage takes in one entity-group transaction.</summary>
    internal const int MaxRowsPerTransaction = 100;

    /// <summary>
    /// The most bytes one transaction may carry as sent, estimated by <see cref="SentBytes"/>. Azure refuses a
    /// <c>$batch</c> body over 4 MiB; the estimate is an upper bound and this leaves a quarter of the cap spare.
    /// </summary>
    internal const long MaxSentBytesPerTransaction = 3 * 1024 * 1024;

    private const int MaxRowsPerFlush = 2_000;

    private readonly TableClient _defaultTable;
    private readonly TableTransactionSender? _sender;
    private readonly Channel<PendingWrite> _queue = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SemaphoreSlim _flushSlots;
    private readonly Task _loop;

    /// <summary>
    /// A writer whose <see cref="WriteAsync(TableTransactionAction, bool)"/> writes to <paramref name="table"/>, sending
    /// transactions with <paramref name="sender"/> when there is one and with the Azure SDK otherwise (single rows always).
    /// </summary>
    public TableBatchWriter(TableClient table, int concurrentFlushes, TableTransactionSender? sender = null)
    {
        _defaultTable = table;
        _sender = sender;
        _flushSlots = new SemaphoreSlim(concurrentFlushes);
        _loop = Task.Run(RunAsync);
    }

    /// <summary>
    /// Queues one row action; completes with the row's new ETag once it is stored. A delete with
    /// <paramref name="missingIsFine"/> also completes when the row did not exist (listing rows a crash may have left), or,
    /// deleting by a given ETag, when the row now holds another version (the one named is gone all the same).
    /// </summary>
    public Task<ETag> WriteAsync(TableTransactionAction action, bool missingIsFine = false) => WriteAsync(_defaultTable, action, missingIsFine);

    /// <summary>Queues one row action on <paramref name="table"/> (see <see cref="WriteAsync(TableTransactionAction, bool)"/>).</summary>
    public Task<ETag> WriteAsync(TableClient table, TableTransactionAction action, bool missingIsFine = false)
    {
        var pending = new PendingWrite(table, action, SentBytes(action), missingIsFine);
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

    /// <summary>
    /// An upper bound of what <paramref name="action"/> adds to a <c>$batch</c> body as sent: binary values grow by a
    /// third in base64, a string by up to six times (JSON escapes control and non-ASCII characters as <c>\uXXXX</c>),
    /// each property carries its name and type annotation, and each row a part header with its URL.
    /// </summary>
    internal static long SentBytes(TableTransactionAction action)
    {
        var entity = action.Entity;
        long bytes = 1024 + 12L * (entity.PartitionKey.Length + entity.RowKey.Length);
        if (action.ActionType == TableTransactionActionType.Delete)
        {
            return bytes;
        }

        if (entity is not IDictionary<string, object> properties)
        {
            return bytes + 64 * 1024;
        }

        foreach (var (name, value) in properties)
        {
            bytes += 2L * name.Length + 64 + value switch
            {
                byte[] binary => (binary.Length + 2L) / 3 * 4,
                BinaryData data => (data.ToMemory().Length + 2L) / 3 * 4,
                string text => 6L * text.Length,
                _ => 64,
            };
        }

        return bytes;
    }

    /// <summary>Rows of one partition (of one table), in transactions under the row and size limits, no row twice in one.</summary>
    internal static IEnumerable<List<T>> Transactions<T>(IEnumerable<T> rows, Func<T, TableTransactionAction> action, Func<T, long> sentBytes, Func<T, string>? table = null)
    {
        foreach (var partition in rows.GroupBy(r => (Table: table?.Invoke(r) ?? "", action(r).Entity.PartitionKey)))
        {
            var current = new List<T>();
            var keys = new HashSet<string>(StringComparer.Ordinal);
            long bytes = 0;
            foreach (var row in partition)
            {
                var size = sentBytes(row);
                if (current.Count > 0 && (current.Count == MaxRowsPerTransaction || bytes + size > MaxSentBytesPerTransaction || keys.Contains(action(row).Entity.RowKey)))
                {
                    yield return current;
                    (current, bytes) = ([], 0);
                    keys.Clear();
                }

                keys.Add(action(row).Entity.RowKey);
                current.Add(row);
                bytes += size;
            }

            if (current.Count > 0)
            {
                yield return current;
            }
        }
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
            await Task.WhenAll(Transactions(rows, r => r.Action, r => r.SentBytes, r => r.Table.Name).Select(SendAsync));
        }
        finally
        {
            _flushSlots.Release();
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
                    rows[0].Completion.TrySetResult(await SendOneAsync(rows[0].Table, rows[0].Action));
                    return;
                }

                if (_sender is not null && await _sender.SendAsync(rows[0].Table, rows.ConvertAll(r => r.Action)) is { } answer)
                {
                    if (answer.Failure is null)
                    {
                        for (var i = 0; i < rows.Count; i++)
                        {
                            rows[i].Completion.TrySetResult(answer.ETags![i] is { } eTag ? new ETag(eTag) : default);
                        }

                        return;
                    }

                    if (answer.FailedIndex is not int broken || broken >= rows.Count)
                    {
                        throw answer.Failure;
                    }

                    // As below: the transaction applied nothing; settle the row that broke it and send the others again.
                    Settle(rows[broken], answer.Failure);
                    rows.RemoveAt(broken);
                    continue;
                }

                var response = await rows[0].Table.SubmitTransactionAsync(rows.Select(r => r.Action));
                for (var i = 0; i < rows.Count; i++)
                {
                    rows[i].Completion.TrySetResult(response.Value[i].Headers.ETag ?? default);
                }

                return;
            }
            catch (TableTransactionFailedException e) when (e.FailedTransactionActionIndex is int failed && failed < rows.Count)
            {
                // The transaction applied nothing: settle the row that broke it and send the others again.
                Settle(rows[failed], e);
                rows.RemoveAt(failed);
            }
            catch (RequestFailedException e) when (rows.Count == 1)
            {
                Settle(rows[0], e);
                return;
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

    private static void Settle(PendingWrite row, RequestFailedException e)
    {
        if (row.MissingIsFine && (e.Status == 404 || (e.Status == 412 && row.Action.ETag != ETag.All)))
        {
            row.Completion.TrySetResult(default);
        }
        else
        {
            row.Completion.TrySetException(Translate(e));
        }
    }

    private static async Task<ETag> SendOneAsync(TableClient table, TableTransactionAction action)
    {
        var entity = action.Entity;
        Response response = action.ActionType switch
        {
            TableTransactionActionType.Add => await table.AddEntityAsync(entity),
            TableTransactionActionType.UpdateReplace => await table.UpdateEntityAsync(entity, action.ETag, TableUpdateMode.Replace),
            TableTransactionActionType.UpsertReplace => await table.UpsertEntityAsync(entity, TableUpdateMode.Replace),
            TableTransactionActionType.Delete => await table.DeleteEntityAsync(entity.PartitionKey, entity.RowKey, action.ETag),
            _ => throw new NotSupportedException($"Row action {action.ActionType} is not used by the stores."),
        };
        return response.Headers.ETag ?? default;
    }

    /// <summary>
    /// A lost optimistic-concurrency race is Orleans' <see cref="InconsistentStateException"/>; a row storage refuses
    /// for its size is a <see cref="RowTooLargeException"/>, which no retry can fix.
    /// </summary>
    private static Exception Translate(Exception e) => e switch
    {
        RequestFailedException { Status: 409 or 412 or 404 } failed =>
            new InconsistentStateException($"The row changed underneath this write ({failed.Status} {failed.ErrorCode}).", failed),
        RequestFailedException failed when RowTooLargeException.IsSizeRefusal(failed) => new RowTooLargeException(failed),
        _ => e,
    };

    private sealed record PendingWrite(TableClient Table, TableTransactionAction Action, long SentBytes, bool MissingIsFine)
    {
        public TaskCompletionSource<ETag> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
