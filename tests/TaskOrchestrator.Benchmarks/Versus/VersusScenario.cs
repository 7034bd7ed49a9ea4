using System.Globalization;

namespace TaskOrchestrator.Benchmarks.Versus;

/// <summary>
/// The <c>versus</c> scenario: our service and the schedulers one would pick instead, one after another in one run, at
/// the same rate, with the same number of tasks each due the same delay after it is scheduled, all calling the same
/// target (the benchmark's <see cref="TaskOrchestrator.Testing.RecordingTarget"/>, in this process), judged the same way:
/// lateness = arrival at the target − the due instant; early = arrived before it.
/// </summary>
internal sealed class VersusScenario(BenchmarkOptions options, ServiceUnderTest service, Scenarios scenarios, TextWriter output)
{
    /// <summary>The issue's targets for ours against the best peer in the same run.</summary>
    private const double P99RatioTarget = 0.5;
    private const double MaxRatioTarget = 1.0;

    public async Task<object> RunAsync()
    {
        var count = (int)(options.Rate * options.Seconds);
        var loadBefore = LoadAverage();
        output.WriteLine($"versus: {count} tasks per scheduler at {options.Rate}/s, each due {options.DelayMs} ms after scheduling; load average {loadBefore}");
        var rows = new List<VersusRow> { await OursAsync(count) };

        // Our server and Azurite stay up, idle, while the peers run: say what that costs the shared cores.
        var backgroundStart = (ServerAndAzuriteCpu(), DateTime.UtcNow);
        foreach (var peer in PeerHost.Peers)
        {
            output.WriteLine($"{peer}:");
            var result = await PeerProcess.RunAsync(peer, options, service.Target.BaseAddress, output);
            var scheduled = result.Jobs.Select(j => new Scheduled(j.Url, j.DueAt is null ? 500 : 201, j.ScheduleMs, j.DueAt)).ToList();
            await new LoadDriver(service, options.Concurrency).WaitForArrivalsAsync(scheduled, TimeSpan.FromSeconds(5));
            var outcome = Outcome.Of(scheduled, service.Target.Calls);
            foreach (var error in result.Jobs.Where(j => j.Error is not null).Select(j => j.Error).Distinct().Take(3))
            {
                output.WriteLine($"  refused: {error}");
            }

            rows.Add(VersusRow.Of(peer, peer == "quartz-sqlite", result.Settings, outcome, result.RunCpuMs, result.IdleCpuMsPerSecond, result.RunSeconds, storeCpuPerJobMs: null));
        }

        double? backgroundCores = ServerAndAzuriteCpu() is { } end && backgroundStart.Item1 is { } begin
            ? (end - begin).TotalSeconds / (DateTime.UtcNow - backgroundStart.UtcNow).TotalSeconds
            : null;

        var peers = rows.Skip(1).Where(r => r.Fired > 0).ToList();
        var bestP99 = peers.MinBy(r => r.LatenessMs.P99);
        var bestMax = peers.MinBy(r => r.LatenessMs.Max);
        var ours = rows[0] with
        {
            P99RatioToBestPeer = Ratio(rows[0].LatenessMs.P99, bestP99?.LatenessMs.P99),
            MaxRatioToBestPeer = Ratio(rows[0].LatenessMs.Max, bestMax?.LatenessMs.Max),
        };
        rows[0] = ours;
        var loadAfter = LoadAverage();

        Print(rows);
        output.WriteLine($"  idle CPU (ms/s, measured for {PeerHost.IdleWindow.TotalSeconds:0} s just before each run): {string.Join(", ", rows.Select(r => $"{r.Name} {Ms(r.IdleCpuMsPerSecond)}"))}");
        output.WriteLine($"  ours: Azurite, a process of its own, {ours.StoreCpuPerJobMs?.ToString("0.00", CultureInfo.InvariantCulture) ?? "n/a"} ms per task on top");
        if (backgroundCores is { } cores)
        {
            output.WriteLine($"  while the peers ran, our idle server and Azurite kept {cores:0.000} of a core busy");
        }

        var passP99 = ours.P99RatioToBestPeer <= P99RatioTarget;
        var passMax = ours.MaxRatioToBestPeer <= MaxRatioTarget;
        var passClean = ours.Early == 0 && ours.Lost == 0 && ours.Duplicates == 0;
        output.WriteLine($"  p99 / best peer's ({bestP99?.Name}): {Format(ours.P99RatioToBestPeer)} (target <= {P99RatioTarget}) {(passP99 ? "pass" : "MISS")}");
        output.WriteLine($"  max / best peer's ({bestMax?.Name}): {Format(ours.MaxRatioToBestPeer)} (target <= {MaxRatioTarget}) {(passMax ? "pass" : "MISS")}");
        output.WriteLine($"  ours early {ours.Early}, lost {ours.Lost}, duplicates {ours.Duplicates} (target 0) {(passClean ? "pass" : "MISS")}");
        output.WriteLine($"  load average before {loadBefore}, after {loadAfter}");

        return new
        {
            scenario = "versus", options.Rate, options.Seconds, options.DelayMs, options.Storage, options.Concurrency,
            cores = Environment.ProcessorCount, loadAverageBefore = loadBefore, loadAverageAfter = loadAfter,
            rows, bestPeerByP99 = bestP99?.Name, bestPeerByMax = bestMax?.Name,
            targets = new { p99RatioToBestPeer = passP99, maxRatioToBestPeer = passMax, noEarlyLostOrDuplicate = passClean },
            idleServerAndAzuriteCoresDuringPeers = backgroundCores,
        };
    }

    private async Task<VersusRow> OursAsync(int count)
    {
        var name = options.Storage == "memory" ? "taskorchestrator (memory)" : "taskorchestrator";
        output.WriteLine($"{name}:");
        double? idleMsPerSecond = null;
        if (service.ServerProcessId is { } server)
        {
            await Task.Delay(PeerHost.Settle);
            var before = ProcessTree.CpuTime(server);
            await Task.Delay(PeerHost.IdleWindow);
            idleMsPerSecond = (ProcessTree.CpuTime(server) - before).TotalMilliseconds / PeerHost.IdleWindow.TotalSeconds;
        }

        var (outcome, _, _, cpu) = await scenarios.RunSteadyAsync(options.Rate, count, options.DelayMs);
        outcome.PrintLatest(output);
        var settings = options.Storage == "memory"
            ? "TaskOrchestrator, the server process with its in-memory store (not durable)"
            : "TaskOrchestrator, the server process on Azurite (in memory), tasks scheduled over HTTP with a JWT";
        return VersusRow.Of(name, options.Storage != "memory", settings, outcome, cpu.ServerMs * Math.Max(1, outcome.Accepted), idleMsPerSecond, cpu.Seconds, cpu.AzuriteMs);
    }

    private void Print(List<VersusRow> rows)
    {
        output.WriteLine();
        output.WriteLine($"  {"scheduler",-26} {"scheduled",9} {"fired",6} {"early",5} {"lost",5} {"dup",4} {"p50",8} {"p90",8} {"p99",8} {"p99.9",8} {"max",8}  {"CPU/job",8} {"net",6}");
        foreach (var row in rows)
        {
            var l = row.LatenessMs;
            output.WriteLine($"  {row.Name + (row.Durable ? " (durable)" : ""),-26} {row.Scheduled,9} {row.Fired,6} {row.Early,5} {row.Lost,5} {row.Duplicates,4} {Ms(l.P50),8} {Ms(l.P90),8} {Ms(l.P99),8} {Ms(l.P999),8} {Ms(l.Max),8}  {Ms(row.CpuRawPerJobMs),8} {Ms(row.CpuPerJobMs),6}");
        }

        output.WriteLine("  (lateness in ms: arrival at the target − due instant; CPU/job: ms of CPU of the process that fires per task, over the run; net: less that process's idle CPU over as long)");
        foreach (var row in rows)
        {
            output.WriteLine($"  {row.Name}: {row.Settings}");
        }
    }

    private TimeSpan? ServerAndAzuriteCpu() =>
        service.ServerProcessId is null && service.AzuriteProcessId is null
            ? null
            : (service.ServerProcessId is { } s ? ProcessTree.CpuTime(s) : TimeSpan.Zero) + (service.AzuriteProcessId is { } a ? ProcessTree.CpuTime(a) : TimeSpan.Zero);

    private static double? Ratio(double ours, double? best) =>
        best is { } b && b > 0 && double.IsFinite(ours) ? ours / b : null;

    private static string Format(double? value) => value is { } v ? v.ToString("0.00", CultureInfo.InvariantCulture) : "n/a";

    private static string Ms(double? value) => value switch
    {
        null => "n/a",
        { } v when double.IsNaN(v) => "n/a",
        { } v when Math.Abs(v) < 100 => v.ToString("0.00", CultureInfo.InvariantCulture),
        { } v when Math.Abs(v) < 10_000 => v.ToString("0.0", CultureInfo.InvariantCulture),
        { } v => v.ToString("0", CultureInfo.InvariantCulture),
    };

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "n/a";
        }
    }
}
