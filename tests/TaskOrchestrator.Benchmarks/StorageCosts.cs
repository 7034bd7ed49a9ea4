using System.Diagnostics;
using Azure;
using Azure.Data.Tables;
using TaskOrchestrator.Storage;

namespace TaskOrchestrator.Benchmarks;

/// <summary>
/// What each kind of table call a task makes costs Azurite, measured alone: rows per second at the benchmark's
/// concurrency and Azurite CPU per row. Azurite runs on one thread, so 1000 / (its CPU ms per task) is the most tasks
/// per second it can serve, whatever the server does.
/// </summary>
internal sealed class StorageCosts(BenchmarkOptions options, ServiceUnderTest service, TextWriter output)
{
    /// <summary>
    /// Rows written under load share a partition and go out together: a mid-size transaction. How many share one
    /// depends on how long the previous one took (throughput runs saw ~3 rows per transaction at 500 tasks/s, ~28 at
    /// 650/s with Azurite saturated), so the ceiling computed with it assumes every row is batched: it is optimistic.
    /// </summary>
    private const int RowsPerBatch = 16;

    private static readonly string Payload = new('x', 400);

    public async Task<StorageCostsResult> RunAsync()
    {
        var connection = service.AzuriteConnectionString ?? throw new InvalidOperationException("storage-costs measures the Azurite this benchmark starts: not with --url or --storage memory.");
        var azurite = service.AzuriteProcessId!.Value;
        var tables = StorageClients.CreateTableServiceClient(connection);
        var reminders = tables.GetTableClient("BenchmarkReminderShape");
        var rows = tables.GetTableClient("BenchmarkRowShape");
        await reminders.CreateIfNotExistsAsync();
        await rows.CreateIfNotExistsAsync();
        output.WriteLine($"storage-costs: each call kind alone for {options.Seconds} s, {options.Concurrency} in flight (Azurite CPU from /proc)");

        var registered = new List<(string Partition, string Row, ETag ETag)>[options.Concurrency];
        var results = new List<Cost>
        {
            // An Orleans reminder registration: an insert-or-merge of one row in a partition of its own.
            await MeasureAsync("reminder register (upsert, own partition)", azurite, async (worker, i) =>
            {
                var entity = new TableEntity($"{worker:x4}_{Guid.NewGuid():N}", $"task-{i}|reminder") { ["Period"] = "00:00:10", ["StartAt"] = DateTime.UtcNow, ["Payload"] = Payload[..200] };
                var response = await reminders.UpsertEntityAsync(entity, TableUpdateMode.Merge);
                (registered[worker] ??= []).Add((entity.PartitionKey, entity.RowKey, response.Headers.ETag!.Value));
                return 1;
            }),

            // Its removal when the task has finished: a delete of that row by ETag.
            await MeasureAsync("reminder delete (by ETag)", azurite, async (worker, i) =>
            {
                if (registered[worker] is not { Count: > 0 } mine || i >= mine.Count)
                {
                    return 0;
                }

                var (partition, row, etag) = mine[i];
                await reminders.DeleteEntityAsync(partition, row, etag);
                return 1;
            }),

            // The raw rate the throughput scenario compares with.
            await MeasureAsync("plain upsert (replace, 8 partitions)", azurite, async (worker, i) =>
            {
                await rows.UpsertEntityAsync(new TableEntity($"p{worker % 8}", $"{worker}-{i}") { ["Payload"] = Payload }, TableUpdateMode.Replace);
                return 1;
            }),

            // Task rows under load: a transaction of several new rows of one partition.
            await MeasureBatchesAsync(rows, RowsPerBatch, azurite),

            // The most a transaction can hold: the floor of what a row can cost.
            await MeasureBatchesAsync(rows, 100, azurite),
        };

        var register = results[0].AzuriteMsPerRow;
        var delete = results[1].AzuriteMsPerRow;
        var raw = results[2].RowsPerSecond;

        // A task that runs once: its reminder registered and deleted, its row written when scheduled and when it ends.
        var ceilings = new[]
        {
            CeilingOf($"register + delete + 2 rows in batches of {RowsPerBatch}", register + delete + 2 * results[3].AzuriteMsPerRow, raw),
            CeilingOf("register + delete + 2 rows in batches of 100", register + delete + 2 * results[4].AzuriteMsPerRow, raw),
            CeilingOf("register + delete alone (no task rows at all)", register + delete, raw),
        };
        return new StorageCostsResult("storage-costs", options.Seconds, options.Concurrency, results, raw, ceilings);
    }

    private Ceiling CeilingOf(string name, double azuriteMsPerTask, double raw)
    {
        var ceiling = new Ceiling(name, azuriteMsPerTask, 1000 / azuriteMsPerTask, 1000 / azuriteMsPerTask / raw);
        output.WriteLine($"  Azurite CPU per task, {name}: {azuriteMsPerTask:0.000} ms -> at most {ceiling.TasksPerSecond:0} tasks/s = {ceiling.RatioToPlainUpserts:P0} of the plain upsert rate");
        return ceiling;
    }

    private Task<Cost> MeasureBatchesAsync(TableClient rows, int size, int azurite) =>
        MeasureAsync($"task rows ($batch of {size} inserts)", azurite, async (worker, i) =>
        {
            var partition = $"b{size}-{worker}-{i}";
            await rows.SubmitTransactionAsync(Enumerable.Range(0, size)
                .Select(r => new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(partition, $"r{r}") { ["Payload"] = Payload })));
            return size;
        });

    /// <summary>Runs <paramref name="call"/> on every worker for <c>--seconds</c>; each call returns how many rows it wrote.</summary>
    private async Task<Cost> MeasureAsync(string name, int azurite, Func<int, int, Task<int>> call)
    {
        var cpuBefore = ProcessTree.CpuTime(azurite);
        var clock = Stopwatch.StartNew();
        var rows = 0L;
        var calls = 0L;
        await Task.WhenAll(Enumerable.Range(0, options.Concurrency).Select(async worker =>
        {
            for (var i = 0; clock.Elapsed < TimeSpan.FromSeconds(options.Seconds); i++)
            {
                var wrote = await call(worker, i);
                if (wrote == 0)
                {
                    return;
                }

                Interlocked.Add(ref rows, wrote);
                Interlocked.Increment(ref calls);
            }
        }));
        var seconds = clock.Elapsed.TotalSeconds;
        var cpu = ProcessTree.CpuTime(azurite) - cpuBefore;
        var cost = new Cost(name, calls, rows, rows / seconds, cpu.TotalMilliseconds / Math.Max(1, rows), cpu.TotalSeconds / seconds);
        output.WriteLine($"  {name,-44} {cost.RowsPerSecond,7:0} rows/s  Azurite {cost.AzuriteMsPerRow:0.000} ms CPU/row, {cost.AzuriteBusy:P0} of a core");
        return cost;
    }

}

/// <summary>What <see cref="StorageCosts"/> measured; <see cref="Ceilings"/>[0] is the ceiling a task that runs once meets first.</summary>
internal sealed record StorageCostsResult(string Scenario, int Seconds, int Concurrency, IReadOnlyList<Cost> Costs, double PlainUpsertsPerSecond, IReadOnlyList<Ceiling> Ceilings);

/// <summary>The most tasks per second Azurite's one thread can serve if a task costs it <paramref name="AzuriteMsPerTask"/>.</summary>
internal sealed record Ceiling(string Name, double AzuriteMsPerTask, double TasksPerSecond, double RatioToPlainUpserts);

/// <summary>One kind of table call, alone: rows per second and Azurite CPU per row.</summary>
internal sealed record Cost(string Name, long Calls, long Rows, double RowsPerSecond, double AzuriteMsPerRow, double AzuriteBusy);
