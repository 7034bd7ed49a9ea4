using System.Diagnostics.Metrics;

namespace TaskOrchestrator.Telemetry;

/// <summary>
/// The instruments of completion callbacks and retention, on the same meter as <see cref="TaskOrchestratorMetrics"/>
/// (the meter factory hands out one meter per name).
/// </summary>
public sealed class CallbackRetentionMetrics
{
    private readonly Counter<long> _delivered;
    private readonly Counter<long> _failed;
    private readonly Counter<long> _expired;

    /// <summary>Creates the instruments on the <see cref="TaskOrchestratorMetrics.MeterName"/> meter of <paramref name="meterFactory"/>.</summary>
    public CallbackRetentionMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(TaskOrchestratorMetrics.MeterName);
        _delivered = meter.CreateCounter<long>("taskorchestrator.callbacks.delivered", "{callback}", "Completion callbacks the callback URL answered 2xx to.");
        _failed = meter.CreateCounter<long>("taskorchestrator.callbacks.failed", "{callback}", "Completion callbacks given up on: every attempt allowed failed, or the failure is not retried.");
        _expired = meter.CreateCounter<long>("taskorchestrator.retention.expired", "{resource}", "Finished tasks and orchestrations removed by the retention sweep (state, listing and expiry rows), labelled kind=task|orchestration.");
    }

    /// <summary>A callback was delivered; <paramref name="kind"/> is task or orchestration.</summary>
    public void CallbackDelivered(string kind) => _delivered.Add(1, new KeyValuePair<string, object?>("kind", kind));

    /// <summary>A callback failed for good; <paramref name="kind"/> is task or orchestration.</summary>
    public void CallbackFailed(string kind) => _failed.Add(1, new KeyValuePair<string, object?>("kind", kind));

    /// <summary>A finished resource was removed; <paramref name="kind"/> is task or orchestration.</summary>
    public void Expired(string kind) => _expired.Add(1, new KeyValuePair<string, object?>("kind", kind));
}
