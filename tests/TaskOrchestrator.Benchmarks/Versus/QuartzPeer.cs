using Quartz;

namespace TaskOrchestrator.Benchmarks.Versus;

/// <summary>
/// Quartz.NET, either with its in-memory job store or with its ADO.NET job store on SQLite (Microsoft.Data.Sqlite), the
/// durable peer. Each call is one job with one simple trigger that fires once at the due instant.
/// </summary>
/// <remarks>
/// Settings, from the configuration reference and the options' documentation: the default thread pool with 64 jobs
/// at most in parallel (the default is 10; a job here takes about a millisecond, so the pool never limits); trigger
/// acquisition batches left automatic (one trigger per round in memory, up to the pool's size on a database, as the
/// options' documentation recommends) with no fire-ahead window, so nothing fires early; the misfire threshold left at
/// its default (5 s in memory, 60 s on a database) and each trigger told to fire at once when it misfires, so a late
/// trigger is late rather than lost. The SQLite file lives on tmpfs: the benchmark's Azurite keeps its data in memory
/// too, so neither durable store pays for a disk flush.
/// </remarks>
internal sealed class QuartzPeer(string? sqliteFile) : IPeerScheduler
{
    private const int MaxConcurrency = 64;
    private ISchedulerFactory? _factory;
    private IScheduler? _scheduler;

    public string Settings => sqliteFile is null
        ? $"Quartz.NET {Version}, in-memory job store; thread pool {MaxConcurrency}, batch 1 (automatic), no fire-ahead window, misfire threshold 5 s (default), misfire: fire now"
        : $"Quartz.NET {Version}, ADO.NET job store on SQLite (Microsoft.Data.Sqlite, file on tmpfs, schema created at start); thread pool {MaxConcurrency}, batch up to {MaxConcurrency} (automatic), no fire-ahead window, misfire threshold 60 s (default), misfire: fire now";

    public TimeSpan PickupInterval => TimeSpan.Zero;

    private static string Version => typeof(IScheduler).Assembly.GetName().Version?.ToString(3) ?? "?";

    public async Task StartAsync()
    {
        _factory = QuartzSchedulerBuilder.Create(q =>
        {
            q.UseDefaultThreadPool(MaxConcurrency);
            if (sqliteFile is null)
            {
                q.UseInMemoryStore();
            }
            else
            {
                q.UsePersistentStore(store =>
                {
                    store.UseSqlite($"Data Source={sqliteFile}");
                    store.ProvisionSchema();
                });
            }
        }).Build();
        _scheduler = await _factory.GetScheduler();
        await _scheduler.Start();
    }

    public async Task ScheduleAsync(string url, DateTimeOffset dueAt)
    {
        var id = Guid.NewGuid().ToString("N");
        var job = JobBuilder.Create<QuartzCallJob>().WithIdentity(id).UsingJobData(QuartzCallJob.UrlKey, url).Build();
        var trigger = TriggerBuilder.Create()
            .WithIdentity(id)
            .StartAt(dueAt)
            .WithSimpleSchedule(s => s.WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow))
            .Build();
        await _scheduler!.ScheduleJob(job, trigger);
    }

    public async ValueTask DisposeAsync()
    {
        if (_scheduler is not null)
        {
            await _scheduler.Shutdown(waitForJobsToComplete: true);
        }

        (_factory as IDisposable)?.Dispose();
    }
}

/// <summary>The job: one <see cref="PeerCall"/> to the URL in its data.</summary>
internal sealed class QuartzCallJob : IJob
{
    public const string UrlKey = "url";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        await PeerCall.PostAsync(context.MergedJobDataMap.GetString(UrlKey)!, cancellationToken);
}
