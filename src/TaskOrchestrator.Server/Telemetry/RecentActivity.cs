using System.Diagnostics.Metrics;
using TaskOrchestrator.Telemetry;

namespace TaskOrchestrator.Server.Telemetry;

/// <summary>
/// This node's task calls second by second over the last <see cref="WindowSeconds"/> seconds: calls fired, tasks that
/// succeeded and failed, and how late first calls started, read from the service's own instruments
/// (<see cref="TaskOrchestratorMetrics"/>) as they are recorded. A ring of one-second slots: fixed memory, and a
/// measurement costs a lock and a few additions. The console's live chart reads it (<c>GET /admin/activity</c>).
/// </summary>
public sealed class RecentActivity : IHostedService, IDisposable
{
    /// <summary>How many seconds are kept.</summary>
    public const int WindowSeconds = 300;

    private static readonly IReadOnlyList<double> Bounds = TaskOrchestratorMetrics.LatenessBucketsMs;
    private readonly TimeProvider _time;
    private readonly Slot[] _slots = new Slot[WindowSeconds];
    private readonly Lock _gate = new();
    private MeterListener? _listener;

    /// <summary>Creates an empty record; it listens once started.</summary>
    public RecentActivity(TimeProvider time)
    {
        _time = time;
        for (var i = 0; i < _slots.Length; i++)
        {
            _slots[i] = new Slot(Bounds.Count + 1);
        }
    }

    /// <summary>The last <paramref name="seconds"/> whole seconds, oldest first; the second under way is left out until it ends.</summary>
    public IReadOnlyList<ActivitySecond> Last(int seconds)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(seconds);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(seconds, WindowSeconds);
        var current = _time.GetUtcNow().ToUnixTimeSeconds();
        var points = new ActivitySecond[seconds];
        lock (_gate)
        {
            for (var i = 0; i < seconds; i++)
            {
                var second = current - seconds + i;
                var slot = _slots[SlotOf(second)];
                points[i] = slot.Second == second
                    ? new ActivitySecond(DateTimeOffset.FromUnixTimeSeconds(second), slot.Fired, slot.Succeeded, slot.Failed, Quantile(slot.Lateness, 0.5), Quantile(slot.Lateness, 0.99))
                    : new ActivitySecond(DateTimeOffset.FromUnixTimeSeconds(second), 0, 0, 0, null, null);
            }
        }

        return points;
    }

    /// <summary>Counts calls fired now.</summary>
    public void RecordFired(long count = 1) => Add(count, 0, 0);

    /// <summary>Counts tasks that succeeded now.</summary>
    public void RecordSucceeded(long count = 1) => Add(0, count, 0);

    /// <summary>Counts tasks that failed now.</summary>
    public void RecordFailed(long count = 1) => Add(0, 0, count);

    /// <summary>Counts a first call that started <paramref name="latenessMs"/> after its due time.</summary>
    public void RecordLateness(double latenessMs)
    {
        var bucket = 0;
        while (bucket < Bounds.Count && latenessMs > Bounds[bucket])
        {
            bucket++;
        }

        Add(0, 0, 0, bucket);
    }

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == TaskOrchestratorMetrics.MeterName && instrument.Name is TaskOrchestratorMetrics.FiredInstrument
                    or TaskOrchestratorMetrics.SucceededInstrument or TaskOrchestratorMetrics.FailedInstrument or TaskOrchestratorMetrics.LatenessInstrument)
                {
                    listener.EnableMeasurementEvents(instrument, this);
                }
            },
        };
        _listener.SetMeasurementEventCallback<long>(static (instrument, value, _, state) =>
        {
            var activity = (RecentActivity)state!;
            switch (instrument.Name)
            {
                case TaskOrchestratorMetrics.FiredInstrument: activity.RecordFired(value); break;
                case TaskOrchestratorMetrics.SucceededInstrument: activity.RecordSucceeded(value); break;
                case TaskOrchestratorMetrics.FailedInstrument: activity.RecordFailed(value); break;
            }
        });
        _listener.SetMeasurementEventCallback<double>(static (_, value, _, state) => ((RecentActivity)state!).RecordLateness(value));
        _listener.Start();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _listener?.Dispose();
        _listener = null;
    }

    /// <summary>
    /// The <paramref name="q"/> quantile of the bucketed values, interpolated within its bucket as Prometheus'
    /// <c>histogram_quantile</c> does (a value past the last bound counts as that bound); null when there is none.
    /// </summary>
    internal static double? Quantile(long[] buckets, double q)
    {
        var total = buckets.Sum();
        if (total == 0)
        {
            return null;
        }

        var rank = q * total;
        long below = 0;
        for (var i = 0; i < buckets.Length; i++)
        {
            if (buckets[i] > 0 && below + buckets[i] >= rank)
            {
                if (i == Bounds.Count)
                {
                    return Bounds[^1];
                }

                var lower = i == 0 ? 0 : Bounds[i - 1];
                return Math.Round(lower + ((Bounds[i] - lower) * ((rank - below) / buckets[i])), 3);
            }

            below += buckets[i];
        }

        return Bounds[^1];
    }

    private void Add(long fired, long succeeded, long failed, int latenessBucket = -1)
    {
        var second = _time.GetUtcNow().ToUnixTimeSeconds();
        lock (_gate)
        {
            var slot = _slots[SlotOf(second)];
            if (slot.Second != second)
            {
                slot.Reset(second);
            }

            slot.Fired += fired;
            slot.Succeeded += succeeded;
            slot.Failed += failed;
            if (latenessBucket >= 0)
            {
                slot.Lateness[latenessBucket]++;
            }
        }
    }

    private static int SlotOf(long second) => (int)(second % WindowSeconds);

    private sealed class Slot(int buckets)
    {
        public long Second { get; private set; } = -1;

        public long Fired { get; set; }

        public long Succeeded { get; set; }

        public long Failed { get; set; }

        public long[] Lateness { get; } = new long[buckets];

        public void Reset(long second)
        {
            Second = second;
            Fired = Succeeded = Failed = 0;
            Array.Clear(Lateness);
        }
    }
}
