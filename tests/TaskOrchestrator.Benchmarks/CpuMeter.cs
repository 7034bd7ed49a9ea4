using System.Diagnostics;

namespace TaskOrchestrator.Benchmarks;

/// <summary>CPU milliseconds each process spent per task over a run.</summary>
/// <param name="ServerMs">The server process (null when measuring a service given by <c>--url</c>).</param>
/// <param name="AzuriteMs">Azurite (null without Azurite); it runs on one thread, so 1000 / this is its ceiling in tasks/s.</param>
/// <param name="BenchmarkMs">This process: the load driver and the target that records the calls.</param>
/// <param name="CoresBusy">All three together, in cores busy on average from the first task scheduled to the last call's arrival.</param>
/// <param name="Seconds">How long that was: what an idle baseline in CPU per second is multiplied by.</param>
/// <remarks>The figures include each process's fixed background work over the run, so they fall as the rate rises.</remarks>
internal sealed record CpuPerTask(double? ServerMs, double? AzuriteMs, double BenchmarkMs, double CoresBusy, double Seconds)
{
    /// <summary>All three together.</summary>
    public double TotalMs => (ServerMs ?? 0) + (AzuriteMs ?? 0) + BenchmarkMs;

    public override string ToString() =>
        $"server {Format(ServerMs)}, Azurite {Format(AzuriteMs)}, benchmark {BenchmarkMs:0.00} ms (together {TotalMs:0.00} ms; {CoresBusy:0.00} of {Environment.ProcessorCount} cores busy on average)";

    private static string Format(double? ms) => ms is { } value ? $"{value:0.00}" : "n/a";
}

/// <summary>
/// Reads the CPU time of the server, Azurite and this process at the start of a run and again at its end. Per-process
/// times, not the machine's /proc/stat: on this VM, under load, that file once counted ~150 ticks a second for two
/// cores, less than the processes' own times added up to.
/// </summary>
internal sealed class CpuMeter
{
    private readonly ServiceUnderTest _service;
    private readonly TimeSpan? _server;
    private readonly TimeSpan? _azurite;
    private readonly TimeSpan _self;
    private readonly long _started = Stopwatch.GetTimestamp();

    private CpuMeter(ServiceUnderTest service)
    {
        _service = service;
        _server = service.ServerProcessId is { } server ? ProcessTree.CpuTime(server) : null;
        _azurite = service.AzuriteProcessId is { } azurite ? ProcessTree.CpuTime(azurite) : null;
        _self = Process.GetCurrentProcess().TotalProcessorTime;
    }

    public static CpuMeter Start(ServiceUnderTest service) => new(service);

    public CpuPerTask PerTask(int tasks)
    {
        var server = _service.ServerProcessId is { } serverId && _server is { } serverBefore ? ProcessTree.CpuTime(serverId) - serverBefore : (TimeSpan?)null;
        var azurite = _service.AzuriteProcessId is { } azuriteId && _azurite is { } azuriteBefore ? ProcessTree.CpuTime(azuriteId) - azuriteBefore : (TimeSpan?)null;
        var self = Process.GetCurrentProcess().TotalProcessorTime - _self;
        var all = (server ?? TimeSpan.Zero) + (azurite ?? TimeSpan.Zero) + self;
        var elapsed = Stopwatch.GetElapsedTime(_started);
        double PerTaskMs(TimeSpan used) => used.TotalMilliseconds / Math.Max(1, tasks);
        return new CpuPerTask(
            server is { } s ? PerTaskMs(s) : null,
            azurite is { } a ? PerTaskMs(a) : null,
            PerTaskMs(self),
            all / elapsed,
            elapsed.TotalSeconds);
    }
}
