using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Benchmarks;

/// <summary>What happened to a set of scheduled tasks, judged at the target.</summary>
internal sealed record Outcome(
    int Requested,
    int Accepted,
    int Shed,
    int ServerErrors,
    int ClientFailures,
    int Fired,
    int Duplicates,
    int Early,
    int Lost,
    Percentiles LatenessMs,
    Percentiles ScheduleLatencyMs,
    IReadOnlyDictionary<int, int> StatusCodes)
{
    /// <summary>The latest arrivals (at most five), latest first: when each was due and how long its <c>POST</c> took.</summary>
    public IReadOnlyList<LateArrival> Latest { get; init; } = [];

    /// <summary>Matches each accepted task to its arrivals at the target: lateness = arrival - dueAt.</summary>
    public static Outcome Of(IReadOnlyList<Scheduled> scheduled, IEnumerable<RecordedCall> calls)
    {
        var arrivals = calls.GroupBy(c => c.Path).ToDictionary(g => g.Key, g => g.Min(c => c.ArrivedAt));
        var callCounts = calls.GroupBy(c => c.Path).ToDictionary(g => g.Key, g => g.Count());
        var accepted = scheduled.Where(s => s.StatusCode == 201).ToList();
        var lateness = new List<double>(accepted.Count);
        var latest = new PriorityQueue<LateArrival, double>();
        int early = 0, lost = 0, duplicates = 0;
        foreach (var task in accepted)
        {
            var path = new Uri(task.Url).AbsolutePath;
            if (!arrivals.TryGetValue(path, out var arrivedAt))
            {
                lost++;
                continue;
            }

            duplicates += callCounts[path] - 1;
            var ms = (arrivedAt - task.DueAt!.Value).TotalMilliseconds;
            if (ms < 0)
            {
                early++;
            }

            lateness.Add(ms);
            latest.Enqueue(new LateArrival(task.DueAt.Value, ms, task.LatencyMs), ms);
            if (latest.Count > 5)
            {
                latest.Dequeue();
            }
        }

        return new Outcome(
            scheduled.Count,
            accepted.Count,
            scheduled.Count(s => s.StatusCode is 429 or 503),
            scheduled.Count(s => s.StatusCode >= 500 && s.StatusCode != 503),
            scheduled.Count(s => s.StatusCode <= 0),
            lateness.Count,
            duplicates,
            early,
            lost,
            Percentiles.Of(lateness),
            Percentiles.Of(scheduled.Select(s => s.LatencyMs)),
            scheduled.GroupBy(s => s.StatusCode).OrderBy(g => g.Key).ToDictionary(g => g.Key, g => g.Count()))
        {
            Latest = [.. latest.UnorderedItems.Select(i => i.Element).OrderByDescending(a => a.LatenessMs)],
        };
    }

    public void Print(TextWriter output)
    {
        output.WriteLine($"  requested {Requested}, accepted {Accepted}, shed (429/503) {Shed}, server errors {ServerErrors}, client failures {ClientFailures}");
        output.WriteLine($"  fired {Fired}, duplicates {Duplicates}, early {Early}, lost {Lost}");
        output.WriteLine($"  lateness ms:        {LatenessMs}");
        output.WriteLine($"  schedule call ms:   {ScheduleLatencyMs}");
        output.WriteLine($"  status codes:       {string.Join(", ", StatusCodes.Select(kv => $"{kv.Key}: {kv.Value}"))}");
        PrintLatest(output);
    }

    /// <summary>The latest arrivals, each with its due instant and how long its <c>POST</c> took (a slow one can explain it).</summary>
    public void PrintLatest(TextWriter output)
    {
        if (Latest.Count > 0)
        {
            output.WriteLine($"  latest arrivals:    {string.Join("; ", Latest.Select(a => $"{a.LatenessMs:F1} ms (due {a.DueAt:HH:mm:ss.fff}, POST {a.ScheduleCallMs:F0} ms)"))}");
        }
    }
}

/// <summary>One late arrival: the task's due instant, how late it arrived, and how long the <c>POST</c> that created it took.</summary>
internal sealed record LateArrival(DateTimeOffset DueAt, double LatenessMs, double ScheduleCallMs);
