using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TaskOrchestrator.Orchestrations;
using TaskOrchestrator.Tasks;
using TaskOrchestrator.Telemetry;

namespace TaskOrchestrator.Retention;

/// <summary>
/// Runs <see cref="RetentionSweep"/> every <see cref="RetentionOptions.SweepInterval"/> on one activation in the
/// cluster (key 0), so one node sweeps at a time. Its reminder (every minute) brings it back wherever the cluster runs
/// after the node that had it dies; its timer, which keeps it active, does the sweeping.
/// </summary>
public sealed partial class RetentionSweepGrain(
    IExpiryIndex index, TimeProvider time, IOptions<RetentionOptions> options, CallbackRetentionMetrics metrics, ILogger<RetentionSweepGrain> logger)
    : Grain, IRetentionSweepGrain, IRemindable
{
    private const string ReminderName = "sweep";
    private static readonly TimeSpan ReminderPeriod = TimeSpan.FromMinutes(1);
    private RetentionSweep _sweep = null!;
    private Task<SweepResult>? _running;

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _sweep = new RetentionSweep(index, ExpireAsync, time, options.Value);
        this.RegisterGrainTimer(
            _ => SweepAsync(),
            new GrainTimerCreationOptions(options.Value.SweepInterval, options.Value.SweepInterval) { KeepAlive = true, Interleave = true });
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task StartAsync() => await this.RegisterOrUpdateReminder(ReminderName, ReminderPeriod, ReminderPeriod);

    /// <inheritdoc />
    public Task<SweepResult> SweepNowAsync() => SweepOnceAsync();

    /// <inheritdoc />
    public Task ReceiveReminder(string reminderName, TickStatus status) => Task.CompletedTask;

    private async Task SweepAsync()
    {
        try
        {
            // A pass that hit its batch limit is followed at once by the next.
            while ((await SweepOnceAsync()).More)
            {
            }
        }
        catch (Exception e)
        {
            // The next tick goes on where this one stopped: every step is idempotent.
            LogSweepFailed(e);
        }
    }

    // One pass at a time: a pass asked for while one runs shares it.
    private Task<SweepResult> SweepOnceAsync()
    {
        if (_running is { IsCompleted: false } running)
        {
            return running;
        }

        return _running = RunAsync();
    }

    private async Task<SweepResult> RunAsync()
    {
        var result = await _sweep.RunAsync();
        if (result.Due > 0)
        {
            LogSwept(result.Due, result.Removed, result.AlreadyGone, result.Kept, result.Stale);
        }

        return result;
    }

    private async Task<ExpiryOutcome> ExpireAsync(ExpiryEntry entry)
    {
        var outcome = entry.Kind == ExpiryKind.Orchestration
            ? await GrainFactory.GetGrain<IOrchestrationGrain>(entry.Id).ExpireAsync()
            : await GrainFactory.GetGrain<ITaskGrain>(entry.Id).ExpireAsync();
        if (outcome == ExpiryOutcome.Removed)
        {
            metrics.Expired(entry.Kind == ExpiryKind.Orchestration ? "orchestration" : "task");
        }

        return outcome;
    }

    [LoggerMessage(EventId = 1500, Level = LogLevel.Information, Message = "Retention sweep: {Due} due, {Removed} removed, {Gone} already gone, {Kept} kept for later, {Stale} stale rows dropped")]
    private partial void LogSwept(int due, int removed, int gone, int kept, int stale);

    [LoggerMessage(EventId = 1501, Level = LogLevel.Warning, Message = "Retention sweep stopped; the next one goes on")]
    private partial void LogSweepFailed(Exception exception);
}
