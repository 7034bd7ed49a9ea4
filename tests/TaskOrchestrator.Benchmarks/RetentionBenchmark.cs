using System.Diagnostics;
using Azure.Data.Tables;
using TaskOrchestrator.Listing;
using TaskOrchestrator.Retention;
using TaskOrchestrator.Storage;

namespace TaskOrchestrator.Benchmarks;

/// <summary>
/// The <c>retention</c> scenario: steady load (<c>--rate</c> tasks per second for <c>--seconds</c>, each due after
/// <c>--delay-ms</c> and kept <c>--retention-ms</c> once finished) against the Azurite the benchmark starts. Every 30 s
/// it counts the rows of the task tables (state, status index, the owner's listing, expiry): once expiry starts they
/// must stay flat. After the load it waits for every task to be swept, a phase in which only the sweep touches the task
/// tables, and divides the storage calls the server made then by the tasks removed.
/// </summary>
internal sealed class RetentionBenchmark(BenchmarkOptions options, ServiceUnderTest service, TextWriter output)
{
    private const string Owner = "benchmark";
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(30);

    // Orleans' own tables (membership, reminders) are touched whatever the sweep does.
    private static readonly string[] OrleansTables = ["OrleansSiloInstances", "OrleansReminders"];

    public async Task<object> RunAsync()
    {
        var connection = service.AzuriteConnectionString
            ?? throw new InvalidOperationException("retention counts the rows of the Azurite the benchmark starts: it takes neither --storage memory nor --url.");
        var tables = new TableServiceClient(connection);
        var count = (int)(options.Rate * options.Seconds);
        output.WriteLine($"retention: {count} tasks at {options.Rate}/s for {options.Seconds} s, each due {options.DelayMs} ms after scheduling and kept {options.RetentionMs} ms once finished");
        output.WriteLine($"  {"t (s)",6} {"arrived",8} {"Tasks",8} {"TasksIndex",11} {"owner listing",14} {"TasksExpiry",12}");

        var driver = new LoadDriver(service, options.Concurrency);
        var clock = Stopwatch.StartNew();
        var load = driver.ScheduleAsync(count, options.Rate, _ =>
        {
            var url = service.Target.UrlFor();
            return (url, new { taskURL = url, delayInMS = options.DelayMs, retentionInMS = options.RetentionMs });
        });

        var samples = new List<RowSample>();
        var next = Every;
        while (!load.IsCompleted)
        {
            await Task.WhenAny(load, Task.Delay(next - clock.Elapsed is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero));
            if (clock.Elapsed >= next)
            {
                samples.Add(await SampleAsync(tables, clock.Elapsed, service.Target.Calls.Count));
                next += Every;
            }
        }

        var scheduled = await load;
        var accepted = scheduled.Count(s => s.StatusCode == 201);
        var atLoadEnd = await SampleAsync(tables, clock.Elapsed, service.Target.Calls.Count);
        samples.Add(atLoadEnd);

        // Drain: nothing new is created; every task left finishes, expires and is swept.
        var callsBefore = await TaskTableCallsAsync();
        var drainDeadline = clock.Elapsed + TimeSpan.FromMilliseconds(options.DelayMs + options.RetentionMs) + TimeSpan.FromMinutes(3);
        RowSample last = atLoadEnd;
        while (last.Tasks > 0 && clock.Elapsed < drainDeadline)
        {
            await Task.Delay(TimeSpan.FromSeconds(5));
            last = await SampleAsync(tables, clock.Elapsed, service.Target.Calls.Count, print: false);
            if (clock.Elapsed >= next)
            {
                samples.Add(last);
                output.WriteLine(last.Line());
                next += Every;
            }
        }

        var callsAfter = await TaskTableCallsAsync();
        var removed = atLoadEnd.Tasks - last.Tasks;
        var callsPerRemoved = removed > 0 ? (callsAfter.Total - callsBefore.Total) / (double)removed : double.NaN;
        var byKind = callsAfter.ByKind.ToDictionary(k => k.Key, k => k.Value - callsBefore.ByKind.GetValueOrDefault(k.Key));
        output.WriteLine(last.Line());
        output.WriteLine($"  accepted {accepted} of {count}; {removed} tasks swept after the load in {(clock.Elapsed - atLoadEnd.At).TotalSeconds:0} s, {last.Tasks} left");
        output.WriteLine($"  sweep storage calls per removed task: {callsPerRemoved:0.00} ({string.Join(", ", byKind.Where(k => k.Value > 0).Select(k => $"{k.Key} {k.Value}"))})");
        return new
        {
            scenario = "retention",
            options.Rate,
            options.Seconds,
            options.DelayMs,
            options.RetentionMs,
            scheduled = count,
            accepted,
            rows = samples,
            sweptAfterLoad = removed,
            leftAfterDrain = last.Tasks,
            sweepStorageCallsPerRemovedTask = callsPerRemoved,
            sweepStorageCallsByKind = byKind,
        };
    }

    private async Task<RowSample> SampleAsync(TableServiceClient tables, TimeSpan at, int arrived, bool print = true)
    {
        var index = AzureTaskStorage.IndexTableName(AzureTaskStorage.DefaultTableName);
        var sample = new RowSample(
            at, arrived,
            await CountAsync(tables, AzureTaskStorage.DefaultTableName),
            await CountAsync(tables, index),
            await CountAsync(tables, ListingKeys.OwnerTable(index, Owner)),
            await CountAsync(tables, AzureExpiryIndex.TableNameFor(AzureTaskStorage.DefaultTableName)));
        if (print)
        {
            output.WriteLine(sample.Line());
        }

        return sample;
    }

    private static async Task<long> CountAsync(TableServiceClient tables, string table)
    {
        long rows = 0;
        try
        {
            await foreach (var _ in tables.GetTableClient(table).QueryAsync<TableEntity>(select: ["PartitionKey"], maxPerPage: 1000))
            {
                rows++;
            }
        }
        catch (Azure.RequestFailedException e) when (e.Status == 404)
        {
            // Not created yet.
        }

        return rows;
    }

    private async Task<(long Total, Dictionary<string, long> ByKind)> TaskTableCallsAsync()
    {
        var byKind = (await service.StatsAsync())["storageCallsByKind"]!.AsObject()
            .Where(k => !OrleansTables.Any(t => k.Key.Contains(t, StringComparison.Ordinal)))
            .ToDictionary(k => k.Key, k => (long)k.Value!);
        return (byKind.Values.Sum(), byKind);
    }

    /// <summary>Rows of each task table at <paramref name="At"/> since the load started.</summary>
    internal sealed record RowSample(TimeSpan At, int Arrived, long Tasks, long TasksIndex, long OwnerListing, long TasksExpiry)
    {
        public string Line() => $"  {At.TotalSeconds,6:0} {Arrived,8} {Tasks,8} {TasksIndex,11} {OwnerListing,14} {TasksExpiry,12}";
    }
}
