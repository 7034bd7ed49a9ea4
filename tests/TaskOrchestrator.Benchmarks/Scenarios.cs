using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using TaskOrchestrator.Storage;

namespace TaskOrchestrator.Benchmarks;

/// <summary>The benchmark scenarios; each prints a table and returns the same figures for the JSON file.</summary>
internal sealed class Scenarios(BenchmarkOptions options, ServiceUnderTest service, TextWriter output)
{
    /// <summary>Issue 18's target for the rate sustained on Azurite, as a share of the storage ceiling.</summary>
    private const double CeilingRatioTarget = 0.8;

    private readonly LoadDriver _driver = new(service, options.Concurrency);

    /// <summary>
    /// Runs tasks at 200/s until the server has warmed up, so that start-up costs stay out of the figures: connections,
    /// tables, and the runtime's tiered compilation, which re-compiles hot methods during the first seconds under load
    /// (2.5-2.8 s of JIT time per 5 s at first, seen with dotnet-counters; the server then used 1.4 cores where it later
    /// needed 0.6). Warm means a 2-second round compiled fewer than 100 methods (at most 30 s).
    /// </summary>
    public async Task WarmUpAsync()
    {
        var clock = Stopwatch.StartNew();
        long? compiledBefore = null;
        while (true)
        {
            var scheduled = await _driver.ScheduleAsync(400, 200, _ =>
            {
                var url = service.Target.UrlFor();
                return (url, new { taskURL = url, delayInMS = 200 });
            });
            await _driver.WaitForArrivalsAsync(scheduled, TimeSpan.FromSeconds(10));
            var compiled = (long?)(await service.StatsAsync())["jitCompiledMethods"];
            if (compiled is null || (compiledBefore is { } before && compiled - before < 100) || clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                output.WriteLine($"warm-up: {clock.Elapsed.TotalSeconds:0} s; the server has compiled {compiled?.ToString() ?? "?"} methods, {compiled - compiledBefore} in the last round");
                return;
            }

            compiledBefore = compiled;
        }
    }

    /// <summary>Steady load: <c>--rate</c> tasks per second for <c>--seconds</c>, each due <c>--delay-ms</c> after it is scheduled.</summary>
    public async Task<object> LatenessAsync()
    {
        var count = (int)(options.Rate * options.Seconds);
        output.WriteLine($"lateness: {count} tasks at {options.Rate}/s, each due {options.DelayMs} ms after scheduling ({options.Storage} storage)");
        var heapBefore = (long)(await service.StatsAsync(gc: true))["managedMemoryBytes"]!;
        var (outcome, callsPerTask, urls, cpu) = await RunSteadyAsync(options.Rate, count, options.DelayMs);
        var heapAfter = (long)(await service.StatsAsync(gc: true))["managedMemoryBytes"]!;
        outcome.Print(output);
        var dispatch = await ServerLatenessAsync(urls);
        var retainedPerTask = (heapAfter - heapBefore) / (double)Math.Max(1, outcome.Accepted);
        output.WriteLine($"  server start ms:    {dispatch}   (startedAt - dueAt, as the server recorded it)");
        output.WriteLine($"  storage calls/task: {callsPerTask:0.00}");
        output.WriteLine($"  server heap after a full collection: {heapBefore / 1048576.0:0.0} MiB before, {heapAfter / 1048576.0:0.0} MiB after every task finished ({retainedPerTask:0} B per task run)");
        return new { scenario = "lateness", options.Rate, options.Seconds, options.DelayMs, options.Storage, outcome, cpuPerTask = cpu, serverStartLatenessMs = dispatch, storageCallsPerTask = callsPerTask, heapBeforeBytes = heapBefore, heapAfterBytes = heapAfter, retainedBytesPerTask = retainedPerTask };
    }

    /// <summary>
    /// Raises the rate step by step until a step misses: every task fired, none early, p99 lateness at most 10 ms. On
    /// Azurite it first measures <see cref="StorageCosts"/> against the same Azurite (5 s per call kind) and gives each
    /// step's rate as a share of that ceiling: the most tasks per second Azurite's one thread can serve.
    /// </summary>
    public async Task<object> ThroughputAsync()
    {
        double[] rates = [100, 200, 300, 400, 500, 650, 800, 1000, 1300, 1600, 2000, 2500, 3000, 3500, 4000, 5000];
        var steps = new List<object>();
        double best = 0;
        double? bestCallsPerTask = null;
        var storageCosts = service.AzuriteConnectionString is null
            ? null
            : await new StorageCosts(options with { Seconds = 5 }, service, output).RunAsync();
        var ceiling = storageCosts?.Ceilings[0];
        output.WriteLine($"throughput: {options.Seconds} s per step, tasks due 1 s after scheduling ({options.Storage} storage)");
        if (ceiling is not null)
        {
            output.WriteLine($"  ceiling from storage-costs above, {ceiling.Name}: {ceiling.TasksPerSecond:0} tasks/s");
        }

        async Task<bool> StepAsync(double rate)
        {
            var (outcome, callsPerTask, _, cpu) = await RunSteadyAsync(rate, (int)(rate * options.Seconds), 1000);
            var passed = outcome.Lost == 0 && outcome.Early == 0 && outcome.Accepted == outcome.Requested && outcome.LatenessMs.P99 <= 10;
            double? ratio = ceiling is null ? null : rate / ceiling.TasksPerSecond;
            var ofCeiling = ratio is { } r ? $"  {r:P0} of the storage ceiling" : "";
            output.WriteLine($"  {rate,6}/s  {(passed ? "pass" : "MISS")}  fired {outcome.Fired}/{outcome.Requested}  early {outcome.Early}  lateness {outcome.LatenessMs}  calls/task {callsPerTask:0.00}{ofCeiling}");
            steps.Add(new { rate, passed, outcome, cpuPerTask = cpu, storageCallsPerTask = callsPerTask, ratioToStorageCeiling = ratio });
            if (passed && rate > best)
            {
                (best, bestCallsPerTask) = (rate, callsPerTask);
            }

            return passed;
        }

        double? missed = null;
        foreach (var rate in rates)
        {
            if (!await StepAsync(rate))
            {
                missed = rate;
                break;
            }
        }

        // Two halvings between the last rate that passed and the first that missed.
        for (var i = 0; i < 2 && missed is { } high && high - best > 50; i++)
        {
            var middle = Math.Round((best + high) / 2 / 10) * 10;
            if (!await StepAsync(middle))
            {
                missed = middle;
            }
        }

        double? raw = service.AzuriteConnectionString is { } connection ? await RawUpsertRateAsync(connection) : null;
        double? sustainedRatio = ceiling is null ? null : best / ceiling.TasksPerSecond;
        output.WriteLine($"  sustained end to end: {best}/s   storage calls/task: {bestCallsPerTask?.ToString("0.00", CultureInfo.InvariantCulture) ?? "n/a"}");
        if (raw is { } r)
        {
            output.WriteLine($"  raw Azurite upserts ({options.Concurrency} in flight): {r:0}/s   ratio: {best / r:P0}");
        }

        if (sustainedRatio is { } s)
        {
            output.WriteLine($"  sustained / storage ceiling ({ceiling!.TasksPerSecond:0}/s): {s:0.00} (target >= {CeilingRatioTarget}) {(s >= CeilingRatioTarget ? "pass" : "MISS")}");
        }

        return new
        {
            scenario = "throughput", options.Storage, options.Seconds, sustainedTasksPerSecond = best, storageCallsPerTask = bestCallsPerTask,
            rawAzuriteUpsertsPerSecond = raw, ratio = raw is { } x ? best / x : (double?)null,
            storageCeilingTasksPerSecond = ceiling?.TasksPerSecond, sustainedRatioToStorageCeiling = sustainedRatio, storageCosts, steps,
        };
    }

    /// <summary><c>--count</c> tasks scheduled as fast as the service takes them, all due within <c>--within</c> seconds of the start.</summary>
    public async Task<object> BurstAsync()
    {
        output.WriteLine($"burst: {options.Count} tasks, all due within {options.Within} s ({options.Storage} storage)");
        var before = await service.StatsAsync();
        var start = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var scheduled = await _driver.ScheduleAsync(options.Count, double.PositiveInfinity, i =>
        {
            var url = service.Target.UrlFor();
            return (url, new { taskURL = url, runAt = start.AddSeconds(options.Within * (i + 1.0) / options.Count) });
        });
        var schedulingSeconds = clock.Elapsed.TotalSeconds;
        await _driver.WaitForArrivalsAsync(scheduled, TimeSpan.FromSeconds(60));
        var outcome = Outcome.Of(scheduled, service.Target.Calls);
        var callsPerTask = await CallsPerTaskAsync(before, outcome.Accepted);
        outcome.Print(output);

        // A task accepted after the runAt it asked for runs at once (dueAt = acceptance): measured against its dueAt it
        // is on time, so also show how far after the *requested* time each call arrived.
        var arrivals = service.Target.Calls.GroupBy(c => c.Path).ToDictionary(g => g.Key, g => g.Min(c => c.ArrivedAt));
        var sinceRequested = Percentiles.Of(scheduled.Select((s, i) => (s, i))
            .Where(x => x.s.StatusCode == 201 && arrivals.ContainsKey(new Uri(x.s.Url).AbsolutePath))
            .Select(x => (arrivals[new Uri(x.s.Url).AbsolutePath] - start.AddSeconds(options.Within * (x.i + 1.0) / options.Count)).TotalMilliseconds));
        var acceptedInTime = scheduled.Where((s, i) => s.StatusCode == 201 && s.DueAt <= start.AddSeconds(options.Within * (i + 1.0) / options.Count).AddMilliseconds(1)).Count();
        output.WriteLine($"  after requested ms: {sinceRequested}");
        output.WriteLine($"  accepted before their requested time: {acceptedInTime}/{outcome.Accepted}");
        output.WriteLine($"  scheduling took {schedulingSeconds:0.0} s ({options.Count / schedulingSeconds:0}/s); all fired {clock.Elapsed.TotalSeconds:0.0} s after the start");
        output.WriteLine($"  storage calls/task: {callsPerTask:0.00}");
        return new { scenario = "burst", options.Count, options.Within, options.Storage, outcome, afterRequestedMs = sinceRequested, acceptedBeforeRequestedTime = acceptedInTime, schedulingSeconds, storageCallsPerTask = callsPerTask };
    }

    /// <summary><c>--count</c> tasks due hours ahead: what each costs in memory and activations, and how fast the first page lists.</summary>
    public async Task<object> PendingAsync()
    {
        output.WriteLine($"pending: {options.Count} tasks due in 3 h ({options.Storage} storage)");
        var before = await service.StatsAsync(gc: true);
        var azuriteBefore = service.AzuriteProcessId is { } a ? ProcessTree.ResidentBytes(a) : 0;
        var dueAt = DateTimeOffset.UtcNow.AddHours(3);
        var clock = Stopwatch.StartNew();
        var scheduled = await _driver.ScheduleAsync(options.Count, double.PositiveInfinity, i =>
        {
            var url = service.Target.UrlFor();
            return (url, new { taskURL = url, runAt = dueAt.AddMilliseconds(i) });
        }, n => output.WriteLine($"  ... {n} scheduled ({clock.Elapsed.TotalSeconds:0} s)"));
        var accepted = scheduled.Count(s => s.StatusCode == 201);
        var schedulingSeconds = clock.Elapsed.TotalSeconds;

        var after = await service.StatsAsync(gc: true);
        var azuriteAfter = service.AzuriteProcessId is { } b ? ProcessTree.ResidentBytes(b) : 0;
        var firstPage = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var page = await service.Api.GetFromJsonAsync<JsonArray>("/tasks?status=Scheduled");
            firstPage.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (page!.Count == 0)
            {
                throw new InvalidOperationException("The first page of scheduled tasks was empty.");
            }
        }

        // A status no pending task has: the listing must look through every row to find that there is none.
        var emptyStarted = Stopwatch.GetTimestamp();
        var empty = await service.Api.GetFromJsonAsync<JsonArray>("/tasks?status=Failed");
        var emptyMs = Stopwatch.GetElapsedTime(emptyStarted).TotalMilliseconds;

        var managedPerTask = ((long)after["managedMemoryBytes"]! - (long)before["managedMemoryBytes"]!) / (double)Math.Max(1, accepted);
        var workingSetPerTask = ((long)after["workingSetBytes"]! - (long)before["workingSetBytes"]!) / (double)Math.Max(1, accepted);
        var azuritePerTask = (azuriteAfter - azuriteBefore) / (double)Math.Max(1, accepted);
        var callsPerTask = ((long)after["storageCalls"]! - (long)before["storageCalls"]!) / (double)Math.Max(1, accepted);
        var listing = Percentiles.Of(firstPage);
        output.WriteLine($"  accepted {accepted}/{options.Count} in {schedulingSeconds:0.0} s ({accepted / schedulingSeconds:0}/s)");
        output.WriteLine($"  activations held: {(int)after["activations"]!} (before: {(int)before["activations"]!})");
        output.WriteLine($"  server managed memory per pending task: {managedPerTask:0} B; working set per task: {workingSetPerTask:0} B");
        output.WriteLine($"  Azurite memory per pending task: {azuritePerTask:0} B");
        output.WriteLine($"  first page of GET /tasks?status=Scheduled: {listing}");
        output.WriteLine($"  GET /tasks?status=Failed (no match among them): {emptyMs:0} ms, {empty!.Count} items");
        output.WriteLine($"  storage calls/task: {callsPerTask:0.00}");
        return new
        {
            scenario = "pending", options.Count, options.Storage, accepted, schedulingSeconds,
            activationsBefore = (int)before["activations"]!, activationsAfter = (int)after["activations"]!,
            serverManagedBytesPerTask = managedPerTask, serverWorkingSetBytesPerTask = workingSetPerTask,
            azuriteBytesPerTask = azuritePerTask, firstPageMs = listing, noMatchListingMs = emptyMs, storageCallsPerTask = callsPerTask,
        };
    }

    /// <summary>The servers' own record of when each completed task started (latenessMs), over every page.</summary>
    private async Task<Percentiles> ServerLatenessAsync(HashSet<string> urls)
    {
        var values = new List<double>();
        string? next = "/tasks?status=Completed&limit=1000";
        while (next is not null)
        {
            using var response = await service.Api.GetAsync(next);
            response.EnsureSuccessStatusCode();
            var page = (await response.Content.ReadFromJsonAsync<JsonArray>())!;
            values.AddRange(page.Where(t => urls.Contains((string)t!["taskURL"]!)).Select(t => (double)t!["latenessMs"]!));
            next = response.Headers.TryGetValues("Link", out var links) ? links.First().Split(';')[0].Trim('<', '>', ' ') : null;
        }

        return Percentiles.Of(values);
    }

    /// <summary><paramref name="count"/> tasks at <paramref name="rate"/> per second, each due <paramref name="delayMs"/> after it is scheduled; prints what each process spent.</summary>
    internal async Task<(Outcome Outcome, double CallsPerTask, HashSet<string> Urls, CpuPerTask Cpu)> RunSteadyAsync(double rate, int count, int delayMs)
    {
        var before = await service.StatsAsync();
        var cpu = CpuMeter.Start(service);
        var scheduled = await _driver.ScheduleAsync(count, rate, _ =>
        {
            var url = service.Target.UrlFor();
            return (url, new { taskURL = url, delayInMS = delayMs });
        });
        await _driver.WaitForArrivalsAsync(scheduled, TimeSpan.FromSeconds(30));

        // Read at the last arrival, before the settling below: its few seconds would dilute the cores busy on average.
        var cpuPerTask = cpu.PerTask(scheduled.Count(s => s.StatusCode == 201));

        // The last completions are still being written when their calls arrive: count once the storage calls settle.
        await StorageSettledAsync();
        var outcome = Outcome.Of(scheduled, service.Target.Calls);
        output.WriteLine($"  CPU per task:       {cpuPerTask}");
        return (outcome, await CallsPerTaskAsync(before, outcome.Accepted), scheduled.Select(s => s.Url).ToHashSet(), cpuPerTask);
    }

    private async Task StorageSettledAsync()
    {
        var last = -1L;
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            var calls = (long)(await service.StatsAsync())["storageCalls"]!;
            if (calls == last)
            {
                return;
            }

            last = calls;
            await Task.Delay(250);
        }
    }

    private async Task<double> CallsPerTaskAsync(JsonObject before, int tasks)
    {
        var after = await service.StatsAsync();
        var kinds = after["storageCallsByKind"]!.AsObject()
            .Select(kv => (Kind: kv.Key, Calls: (long)kv.Value! - ((long?)before["storageCallsByKind"]![kv.Key] ?? 0)))
            .Where(k => k.Calls > 0)
            .Select(k => $"{k.Kind} {k.Calls / (double)Math.Max(1, tasks):0.00}");
        output.WriteLine($"  storage calls/task by kind: {string.Join(", ", kinds)}");
        output.WriteLine($"  dispatcher hand-overs: on time {(long)after["dispatchedOnTime"]! - (long)before["dispatchedOnTime"]!}, late {(long)after["dispatchedLate"]! - (long)before["dispatchedLate"]!}");
        var collections = (int)after["garbageCollections"]! - (int)before["garbageCollections"]!;
        var pauseMs = (double)after["gcPauseMs"]! - (double)before["gcPauseMs"]!;
        output.WriteLine($"  server GC: {((long)after["allocatedBytes"]! - (long)before["allocatedBytes"]!) / 1024.0 / Math.Max(1, tasks):0} KiB allocated/task, {collections} collections, paused {pauseMs:0} ms in all ({pauseMs / Math.Max(1, collections):0.0} ms each)");
        return ((long)after["storageCalls"]! - (long)before["storageCalls"]!) / (double)Math.Max(1, tasks);
    }

    /// <summary>Plain Azure.Data.Tables upserts against the same Azurite, same concurrency, 5 s.</summary>
    private async Task<double> RawUpsertRateAsync(string connectionString)
    {
        var table = StorageClients.CreateTableServiceClient(connectionString).GetTableClient("BenchmarkRawUpserts");
        await table.CreateIfNotExistsAsync();
        var clock = Stopwatch.StartNew();
        var done = 0L;
        var workers = Enumerable.Range(0, options.Concurrency).Select(async w =>
        {
            var i = 0;
            while (clock.Elapsed < TimeSpan.FromSeconds(5))
            {
                var entity = new TableEntity($"p{w % 8}", $"{w}-{i++}") { ["Status"] = "Scheduled", ["Task"] = new string('x', 300) };
                await table.UpsertEntityAsync(entity, TableUpdateMode.Replace);
                Interlocked.Increment(ref done);
            }
        });
        await Task.WhenAll(workers);
        return done / clock.Elapsed.TotalSeconds;
    }
}
