using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace TaskOrchestrator.Benchmarks.Versus;

/// <summary>
/// The peer process: <c>TaskOrchestrator.Benchmarks.dll peer --peer NAME --rate R --seconds S --delay-ms D --target URL
/// --concurrency N --out FILE</c>. Runs one peer scheduler the way the benchmark runs our server: warms it up, measures
/// its idle CPU, schedules <c>R × S</c> jobs at R per second, each due D ms after it is scheduled, waits until they
/// have called the target, and writes a <see cref="PeerResult"/> to FILE.
/// </summary>
/// <remarks>
/// A process of its own per peer, so that its CPU is its own (the target that records the calls stays in the
/// benchmark's process, as it does for our server), and each peer starts from a fresh runtime, as our server does.
/// </remarks>
internal static class PeerHost
{
    public static readonly string[] Peers = ["quartz-ram", "quartz-sqlite", "hangfire-1s", "hangfire-default"];

    /// <summary>After the warm-up, before the idle baseline: the last warm-up calls' aftermath.</summary>
    public static readonly TimeSpan Settle = TimeSpan.FromSeconds(2);

    /// <summary>How long idle CPU is measured.</summary>
    public static readonly TimeSpan IdleWindow = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(string[] args)
    {
        var named = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            named[args[i].TrimStart('-')] = args[i + 1];
        }

        var peerName = named["peer"];
        var rate = double.Parse(named["rate"], CultureInfo.InvariantCulture);
        var seconds = int.Parse(named["seconds"], CultureInfo.InvariantCulture);
        var delay = TimeSpan.FromMilliseconds(int.Parse(named["delay-ms"], CultureInfo.InvariantCulture));
        var target = new Uri(named["target"]);
        var concurrency = int.Parse(named["concurrency"], CultureInfo.InvariantCulture);
        var sqliteFile = Path.Combine(Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath(), $"taskorch-versus-{Guid.NewGuid():N}.db");
        try
        {
            await using var peer = Create(peerName, sqliteFile);
            await peer.StartAsync();
            Console.WriteLine($"{peerName}: {peer.Settings}");
            var warmUp = await WarmUpAsync(peer, target);

            await Task.Delay(Settle);
            var idleStart = ProcessTree.CpuTime(Environment.ProcessId);
            await Task.Delay(IdleWindow);
            var idleMsPerSecond = (ProcessTree.CpuTime(Environment.ProcessId) - idleStart).TotalMilliseconds / IdleWindow.TotalSeconds;

            var count = (int)(rate * seconds);
            Console.WriteLine($"{peerName}: {count} jobs at {rate}/s, each due {delay.TotalMilliseconds:0} ms after scheduling (idle: {idleMsPerSecond:0.0} ms CPU per second)");
            var completedBefore = PeerCall.Completed;
            var failedBefore = PeerCall.Failed;
            var cpuBefore = ProcessTree.CpuTime(Environment.ProcessId);
            var clock = Stopwatch.StartNew();
            var jobs = await ScheduleAsync(peer, target, "ok", count, rate, concurrency, delay);
            var accepted = jobs.Count(j => j.DueAt is not null);
            var lastDue = jobs.Max(j => j.DueAt) ?? DateTimeOffset.UtcNow;
            var allCalled = await WaitForCallsAsync(completedBefore + accepted, lastDue, TimeSpan.FromSeconds(30) + peer.PickupInterval);
            var runCpu = ProcessTree.CpuTime(Environment.ProcessId) - cpuBefore;
            var runSeconds = clock.Elapsed.TotalSeconds;
            Console.WriteLine($"{peerName}: {(allCalled ? "every job called the target" : "gave up waiting for calls")} after {runSeconds:0.0} s");

            var result = new PeerResult(peer.Settings, warmUp, idleMsPerSecond, runCpu.TotalMilliseconds, runSeconds,
                PeerCall.Completed - completedBefore, PeerCall.Failed - failedBefore, jobs);
            await File.WriteAllTextAsync(named["out"], JsonSerializer.Serialize(result, new JsonSerializerOptions(JsonSerializerDefaults.Web)));
            return 0;
        }
        finally
        {
            foreach (var file in new[] { sqliteFile, sqliteFile + "-journal", sqliteFile + "-wal", sqliteFile + "-shm" })
            {
                File.Delete(file);
            }
        }
    }

    private static IPeerScheduler Create(string name, string sqliteFile) => name switch
    {
        "quartz-ram" => new QuartzPeer(sqliteFile: null),
        "quartz-sqlite" => new QuartzPeer(sqliteFile),
        "hangfire-1s" => new HangfirePeer(TimeSpan.FromSeconds(1)),
        "hangfire-default" => new HangfirePeer(pollingInterval: null),
        _ => throw new ArgumentException($"Unknown peer '{name}': one of {string.Join(", ", Peers)}."),
    };

    /// <summary>
    /// The same warm-up as our server's (<see cref="Scenarios.WarmUpAsync"/>): rounds of 400 jobs at 200/s, each due
    /// 200 ms later, until a round compiles fewer than 100 methods (this process's JIT count), at most 30 s.
    /// </summary>
    private static async Task<double> WarmUpAsync(IPeerScheduler peer, Uri target)
    {
        var clock = Stopwatch.StartNew();
        long? compiledBefore = null;
        while (true)
        {
            var completed = PeerCall.Completed;
            var jobs = await ScheduleAsync(peer, target, "warm-up", 400, 200, 64, TimeSpan.FromMilliseconds(200));
            await WaitForCallsAsync(completed + jobs.Count(j => j.DueAt is not null), DateTimeOffset.UtcNow, TimeSpan.FromSeconds(10) + peer.PickupInterval);
            var compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
            if ((compiledBefore is { } before && compiled - before < 100) || clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                Console.WriteLine($"warm-up: {clock.Elapsed.TotalSeconds:0} s; compiled {compiled} methods, {compiled - compiledBefore} in the last round");
                return clock.Elapsed.TotalSeconds;
            }

            compiledBefore = compiled;
        }
    }

    private static async Task<PeerJob[]> ScheduleAsync(IPeerScheduler peer, Uri target, string prefix, int count, double rate, int concurrency, TimeSpan delay) =>
        await LoadDriver.PaceAsync(count, rate, concurrency, async _ =>
        {
            var url = new Uri(target, $"{prefix}/{Guid.NewGuid():N}").ToString();
            var started = Stopwatch.GetTimestamp();
            var dueAt = DateTimeOffset.UtcNow + delay;
            try
            {
                await peer.ScheduleAsync(url, dueAt);
                return new PeerJob(url, dueAt, Stopwatch.GetElapsedTime(started).TotalMilliseconds, null);
            }
            catch (Exception e)
            {
                return new PeerJob(url, null, Stopwatch.GetElapsedTime(started).TotalMilliseconds, e.GetType().Name + ": " + e.Message);
            }
        });

    /// <summary>Waits until <paramref name="completed"/> calls have been answered, or none has been for <paramref name="quiet"/> after <paramref name="lastDue"/>.</summary>
    private static async Task<bool> WaitForCallsAsync(long completed, DateTimeOffset lastDue, TimeSpan quiet)
    {
        var seen = PeerCall.Completed;
        var sinceProgress = Stopwatch.StartNew();
        while (PeerCall.Completed < completed)
        {
            if (PeerCall.Completed != seen)
            {
                seen = PeerCall.Completed;
                sinceProgress.Restart();
            }
            else if (DateTimeOffset.UtcNow > lastDue && sinceProgress.Elapsed > quiet)
            {
                return false;
            }

            await Task.Delay(20);
        }

        return true;
    }
}
