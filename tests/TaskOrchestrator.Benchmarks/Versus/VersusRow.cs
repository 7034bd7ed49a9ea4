namespace TaskOrchestrator.Benchmarks.Versus;

/// <summary>One scheduler's line of the <c>versus</c> table.</summary>
/// <param name="Name">Short name (<c>taskorchestrator</c>, <c>quartz-ram</c>, …).</param>
/// <param name="Durable">Whether its tasks survive a restart of the process that fires them.</param>
/// <param name="Settings">What was configured, in words.</param>
/// <param name="Scheduled">Tasks the scheduler accepted.</param>
/// <param name="Fired">Tasks whose call reached the target.</param>
/// <param name="Early">Calls that arrived before the task's due instant.</param>
/// <param name="Lost">Accepted tasks whose call never arrived.</param>
/// <param name="Duplicates">Calls beyond the first per task.</param>
/// <param name="LatenessMs">Arrival at the target minus the due instant.</param>
/// <param name="ScheduleCallMs">How long scheduling one task took (an HTTP request for ours, a method call for the peers).</param>
/// <param name="CpuPerJobMs">CPU of the process that fires, per task, less its idle baseline over the run.</param>
/// <param name="CpuRawPerJobMs">The same without subtracting the baseline.</param>
/// <param name="IdleCpuMsPerSecond">That process's CPU per second while idle, measured just before the run.</param>
/// <param name="StoreCpuPerJobMs">A store in a process of its own (Azurite for ours), per task; null where the store is in the process that fires.</param>
/// <param name="P99RatioToBestPeer">Ours only: our p99 / the lowest p99 of the peers.</param>
/// <param name="MaxRatioToBestPeer">Ours only: our max / the lowest max of the peers.</param>
internal sealed record VersusRow(
    string Name,
    bool Durable,
    string Settings,
    int Requested,
    int Scheduled,
    int Fired,
    int Early,
    int Lost,
    int Duplicates,
    Percentiles LatenessMs,
    Percentiles ScheduleCallMs,
    double? CpuPerJobMs,
    double? CpuRawPerJobMs,
    double? IdleCpuMsPerSecond,
    double? StoreCpuPerJobMs,
    double? P99RatioToBestPeer = null,
    double? MaxRatioToBestPeer = null)
{
    public static VersusRow Of(string name, bool durable, string settings, Outcome outcome, double? rawCpuMs, double? idleMsPerSecond, double seconds, double? storeCpuPerJobMs)
    {
        var jobs = Math.Max(1, outcome.Accepted);
        double? net = rawCpuMs is { } raw && idleMsPerSecond is { } idle ? Math.Max(0, raw - (idle * seconds)) / jobs : null;
        return new VersusRow(name, durable, settings, outcome.Requested, outcome.Accepted, outcome.Fired, outcome.Early, outcome.Lost, outcome.Duplicates,
            outcome.LatenessMs, outcome.ScheduleLatencyMs, net, rawCpuMs / jobs, idleMsPerSecond, storeCpuPerJobMs);
    }
}
