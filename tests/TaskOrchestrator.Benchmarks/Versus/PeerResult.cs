namespace TaskOrchestrator.Benchmarks.Versus;

/// <summary>What a peer process reports back to the benchmark (as JSON in a file): the jobs it scheduled and the CPU it spent.</summary>
/// <param name="Settings">What was configured, in words.</param>
/// <param name="WarmUpSeconds">How long its warm-up took.</param>
/// <param name="IdleCpuMsPerSecond">CPU the process used per second while idle after its warm-up (the baseline).</param>
/// <param name="RunCpuMs">CPU the process used from the first job scheduled to the last call answered.</param>
/// <param name="RunSeconds">How long that was.</param>
/// <param name="CallsCompleted">Calls answered during the run (retries included).</param>
/// <param name="CallsFailed">Calls that failed during the run.</param>
/// <param name="Jobs">Each job of the run, in the order scheduled.</param>
internal sealed record PeerResult(
    string Settings,
    double WarmUpSeconds,
    double IdleCpuMsPerSecond,
    double RunCpuMs,
    double RunSeconds,
    long CallsCompleted,
    long CallsFailed,
    IReadOnlyList<PeerJob> Jobs);

/// <summary>One job: the URL it calls, when it is due (null: the scheduler refused it) and how long scheduling it took.</summary>
internal sealed record PeerJob(string Url, DateTimeOffset? DueAt, double ScheduleMs, string? Error);
