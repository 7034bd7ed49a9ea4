using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Cronos;
using TaskOrchestrator.Schedules;

namespace TaskOrchestrator.Benchmarks;

/// <summary>
/// <c>schedules</c>: <c>--count</c> recurring schedules on one cron expression (<c>--cron</c>, UTC), each calling a URL
/// of its own on the recording target, measured over <c>--seconds</c> of occurrences: how many were expected, fired,
/// missed, duplicated or early, and how late each call arrived after its occurrence instant.
/// </summary>
/// <remarks>
/// Every occurrence of one schedule calls the same URL; the task id each call carries (derived from the schedule and the
/// occurrence instant, <see cref="OccurrenceIds"/>) names its occurrence. A call before its instant is early; a second
/// call for one occurrence is a duplicate; an occurrence of the window with no call was missed.
/// </remarks>
internal sealed class SchedulesBenchmark(BenchmarkOptions options, ServiceUnderTest service, TextWriter output)
{
    private const string TaskIdHeader = "TaskOrchestrator-Task-Id";
    private static readonly TimeSpan CreateAhead = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan DeleteDeadline = TimeSpan.FromSeconds(60);

    public async Task<object> RunAsync()
    {
        var cron = CronExpression.Parse(options.Cron, options.Cron.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
        output.WriteLine($"schedules: {options.Count} schedules on '{options.Cron}' (UTC), measured over {options.Seconds} s ({options.Storage} storage)");

        var clock = Stopwatch.StartNew();
        var created = await CreateAsync();
        output.WriteLine($"  created {created.Count}/{options.Count} schedules in {clock.Elapsed.TotalSeconds:0.0} s");

        // The window starts at the first instant far enough ahead that every schedule has created its run on time.
        var start = cron.GetNextOccurrence(DateTimeOffset.UtcNow + CreateAhead + TimeSpan.FromSeconds(1), TimeZoneInfo.Utc)
            ?? throw new InvalidOperationException("The cron expression never fires.");
        var end = start + TimeSpan.FromSeconds(options.Seconds);
        var instants = cron.GetOccurrences(start, end, TimeZoneInfo.Utc, fromInclusive: true, toInclusive: false).ToArray();
        var expected = instants.Length * created.Count;
        output.WriteLine($"  window {start:HH:mm:ss} to {end:HH:mm:ss} UTC: {instants.Length} occurrences each, {expected} in all ({expected / (double)options.Seconds:0}/s on average)");

        // Storage calls and CPU over one window's worth of work: from the creation of its first runs to that of the first after it.
        await DelayUntilAsync(start - CreateAhead);
        var before = await service.StatsAsync();
        var cpu = CpuMeter.Start(service);
        await DelayUntilAsync(end - CreateAhead);
        var after = await service.StatsAsync();
        var cpuPerOccurrence = cpu.PerTask(expected);
        output.WriteLine($"  window measured; {service.Target.Calls.Count} calls arrived so far");

        await DelayUntilAsync(end + TimeSpan.FromSeconds(1));
        clock.Restart();
        var notDeleted = await DeleteAsync(created);
        output.WriteLine($"  deleted {created.Count - notDeleted}/{created.Count} schedules in {clock.Elapsed.TotalSeconds:0.0} s");

        // The window's last runs may still be arriving: wait until 2 s pass without a call, at most 60 s.
        await ArrivalsSettledAsync(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(60));

        var result = Judge(created, instants);
        var storageCalls = ((long)after["storageCalls"]! - (long)before["storageCalls"]!) / (double)Math.Max(1, expected);
        var allocated = ((long)after["allocatedBytes"]! - (long)before["allocatedBytes"]!) / 1024.0 / Math.Max(1, expected);
        output.WriteLine($"  expected {expected}, fired {result.Fired}, missed {result.Missed}, duplicated {result.Duplicated}, early {result.Early}");
        output.WriteLine($"  lateness ms (arrival - occurrence instant): {result.LatenessMs}");
        output.WriteLine($"  storage calls/occurrence: {storageCalls:0.00}; server allocated {allocated:0} KiB/occurrence");
        output.WriteLine($"  CPU per occurrence: {cpuPerOccurrence}");
        return new
        {
            scenario = "schedules", options.Count, options.Cron, options.Seconds, options.Storage,
            schedules = created.Count, occurrencesPerSchedule = instants.Length,
            expected, fired = result.Fired, missed = result.Missed, duplicated = result.Duplicated, early = result.Early,
            latenessMs = result.LatenessMs, storageCallsPerOccurrence = storageCalls, allocatedKiBPerOccurrence = allocated, cpuPerOccurrence,
        };
    }

    private async Task<List<(string Id, string Path)>> CreateAsync()
    {
        var created = new List<(string Id, string Path)>(options.Count);
        using var slots = new SemaphoreSlim(Math.Min(options.Concurrency, 16));
        var refused = 0;
        var creations = Enumerable.Range(0, options.Count).Select(async _ =>
        {
            await slots.WaitAsync();
            try
            {
                var url = service.Target.UrlFor();
                using var response = await service.Api.PostAsJsonAsync("/schedules", new { cron = options.Cron, task = new { taskURL = url, method = "GET" } });
                if (response.StatusCode != HttpStatusCode.Created)
                {
                    Interlocked.Increment(ref refused);
                    return;
                }

                var id = (string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!;
                lock (created)
                {
                    created.Add((id, new Uri(url).AbsolutePath));
                }
            }
            finally
            {
                slots.Release();
            }
        });
        await Task.WhenAll(creations);
        if (refused > 0)
        {
            output.WriteLine($"  {refused} schedules were refused");
        }

        return created;
    }

    // Deletes every schedule (retrying refusals for a while); returns how many could not be deleted.
    private async Task<int> DeleteAsync(List<(string Id, string Path)> created)
    {
        using var slots = new SemaphoreSlim(16);
        var failed = 0;
        await Task.WhenAll(created.Select(async s =>
        {
            await slots.WaitAsync();
            try
            {
                // A busy server refuses some deletes (503): ask again until a deadline. At most 16 in flight, each
                // retry waits for the previous answer, so the retries are paced by the server itself.
                var deadline = Stopwatch.StartNew();
                while (true)
                {
                    using var response = await service.Api.DeleteAsync($"/schedules/{s.Id}");
                    if (response.StatusCode is HttpStatusCode.NoContent or HttpStatusCode.NotFound)
                    {
                        return;
                    }

                    if (deadline.Elapsed > DeleteDeadline)
                    {
                        Interlocked.Increment(ref failed);
                        output.WriteLine($"  schedule {s.Id} not deleted: {(int)response.StatusCode}");
                        return;
                    }
                }
            }
            finally
            {
                slots.Release();
            }
        }));
        return failed;
    }

    private (int Fired, int Missed, int Duplicated, int Early, Percentiles LatenessMs) Judge(List<(string Id, string Path)> created, DateTimeOffset[] instants)
    {
        // Each occurrence's task id is derived from its schedule and instant: the id on each call names its occurrence.
        var arrivals = service.Target.Calls
            .Where(c => c.Headers.ContainsKey(TaskIdHeader))
            .GroupBy(c => c.Headers[TaskIdHeader])
            .ToDictionary(g => g.Key, g => g.Select(c => c.ArrivedAt).Order().ToList(), StringComparer.OrdinalIgnoreCase);
        int fired = 0, missed = 0, duplicated = 0, early = 0;
        var lateness = new List<double>();
        foreach (var (id, _) in created)
        {
            var scheduleId = Guid.Parse(id);
            foreach (var instant in instants)
            {
                if (!arrivals.TryGetValue(OccurrenceIds.For(scheduleId, instant).ToString(), out var calls))
                {
                    missed++;
                    continue;
                }

                fired++;
                duplicated += calls.Count - 1;
                var ms = (calls[0] - instant).TotalMilliseconds;
                lateness.Add(ms);
                if (ms < 0)
                {
                    early++;
                }
            }
        }

        return (fired, missed, duplicated, early, Percentiles.Of(lateness));
    }

    private async Task ArrivalsSettledAsync(TimeSpan quiet, TimeSpan atMost)
    {
        var count = service.Target.Calls.Count;
        var since = Stopwatch.StartNew();
        var overall = Stopwatch.StartNew();
        while (since.Elapsed < quiet && overall.Elapsed < atMost)
        {
            await Task.Delay(250);
            if (service.Target.Calls.Count != count)
            {
                count = service.Target.Calls.Count;
                since.Restart();
            }
        }
    }

    private static async Task DelayUntilAsync(DateTimeOffset instant)
    {
        var wait = instant - DateTimeOffset.UtcNow;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }
    }
}
