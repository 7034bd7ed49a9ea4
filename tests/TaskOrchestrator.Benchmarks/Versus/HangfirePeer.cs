using Hangfire;
using Hangfire.InMemory;

namespace TaskOrchestrator.Benchmarks.Versus;

/// <summary>
/// Hangfire with its in-memory storage (Hangfire.InMemory): each call is a delayed job
/// (<c>BackgroundJobClient.Schedule</c> at the due instant), which the server's delayed-job scheduler moves to the queue
/// when it next polls, every <paramref name="pollingInterval"/> (null: Hangfire's default, 15 s).
/// </summary>
/// <remarks>
/// Settings: 20 workers (Hangfire's own default is 5 per core, at most 20: 10 here), the schedule polled every 1 s (the
/// shortest the documentation shows) or at its default; everything else at Hangfire's defaults, automatic retries
/// included (a failed call is retried, which would show as a duplicate). Hangfire keeps a delayed job's due time as a
/// whole-second Unix timestamp and enqueues the jobs whose second has begun, so a job can run up to a second before the
/// instant it was scheduled for: the table counts those as early, as it would ours.
/// </remarks>
internal sealed class HangfirePeer(TimeSpan? pollingInterval) : IPeerScheduler
{
    private const int Workers = 20;
    private InMemoryStorage? _storage;
    private BackgroundJobServer? _server;
    private BackgroundJobClient? _client;

    public string Settings =>
        $"Hangfire {typeof(BackgroundJobServer).Assembly.GetName().Version?.ToString(3)} with Hangfire.InMemory {typeof(InMemoryStorage).Assembly.GetName().Version?.ToString(3)}; {Workers} workers, schedule polled every {PickupInterval.TotalSeconds:0} s{(pollingInterval is null ? " (default)" : "")}, automatic retries (default)";

    public TimeSpan PickupInterval { get; } = pollingInterval ?? new BackgroundJobServerOptions().SchedulePollingInterval;

    public Task StartAsync()
    {
        _storage = new InMemoryStorage(new InMemoryStorageOptions());
        var options = new BackgroundJobServerOptions { WorkerCount = Workers };
        if (pollingInterval is { } interval)
        {
            options.SchedulePollingInterval = interval;
        }

        _server = new BackgroundJobServer(options, _storage);
        _client = new BackgroundJobClient(_storage);
        return Task.CompletedTask;
    }

    public Task ScheduleAsync(string url, DateTimeOffset dueAt)
    {
        _client!.Schedule(() => HangfireCallJob.CallAsync(url), dueAt);
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        _server?.SendStop();
        _server?.Dispose();
        _storage?.Dispose();
        return ValueTask.CompletedTask;
    }
}
