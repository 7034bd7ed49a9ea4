namespace TaskOrchestrator.Benchmarks.Versus;

/// <summary>A scheduler we measure ours against, run inside a peer process of the benchmark (see <see cref="PeerHost"/>).</summary>
internal interface IPeerScheduler : IAsyncDisposable
{
    /// <summary>What was configured, in words, for the report.</summary>
    string Settings { get; }

    /// <summary>The longest a due job can wait before the scheduler looks for it by design (a polling interval), or zero.</summary>
    TimeSpan PickupInterval { get; }

    Task StartAsync();

    /// <summary>Schedules one call of <paramref name="url"/> (see <see cref="PeerCall"/>) at <paramref name="dueAt"/>.</summary>
    Task ScheduleAsync(string url, DateTimeOffset dueAt);
}
