using System.Runtime.InteropServices;

namespace TaskOrchestrator.Delivery;

/// <summary>
/// Starts work at an exact instant, never before it. One dedicated thread sleeps until a few milliseconds
/// before the earliest due time (interruptibly, so an earlier arrival is noticed), then, on Linux, sleeps with
/// <c>clock_nanosleep</c> to the exact instant on the same clock as <see cref="DateTime.UtcNow"/> and starts the work
/// on its own thread: neither the grain timer's millisecond granularity (and early firing) nor thread-pool queueing
/// lies between the due time and the first byte sent. Elsewhere it spins for the last stretch.
/// </summary>
public sealed partial class PreciseDispatcher : IDisposable
{
    // Closer than this to the due time, the thread stops waiting on the event (millisecond granularity) and sleeps
    // to the exact instant instead.
    private static readonly TimeSpan FineWindow = TimeSpan.FromMilliseconds(3);
    private static readonly TimeSpan CoarseMargin = TimeSpan.FromMilliseconds(2);
    private readonly PriorityQueue<IDueWork, long> _queue = new();
    private readonly Lock _lock = new();
    private readonly ManualResetEventSlim _changed = new(false, spinCount: 1);
    private readonly TimeProvider _time;
    private readonly bool _nanosleep;
    private readonly Thread _thread;
    private volatile bool _disposed;
    private long _onTimeHandOvers;
    private long _lateHandOvers;

    /// <summary>Starts the dispatcher thread.</summary>
    public PreciseDispatcher(TimeProvider time)
    {
        _time = time;
        // clock_nanosleep sleeps on the real clock, so only when time is the system's (hosts may wrap the instance).
        _nanosleep = OperatingSystem.IsLinux() && time.GetType() == TimeProvider.System.GetType();
        _thread = new Thread(Run) { IsBackground = true, Name = "TaskOrchestrator precise dispatcher" };
        _thread.Start();
    }

    /// <summary>Work handed over before its due time, which the dispatcher then started on the instant.</summary>
    public long OnTimeHandOvers => Interlocked.Read(ref _onTimeHandOvers);

    /// <summary>Work handed over when already due (its grain timer came later than the dispatch lead): started late.</summary>
    public long LateHandOvers => Interlocked.Read(ref _lateHandOvers);

    /// <summary>
    /// Calls <paramref name="start"/> at <paramref name="dueAt"/> (at once when that has passed) and returns what it
    /// returned. It runs on the dispatcher's thread, so it must only start work (e.g. return the task of a call it
    /// began) and must not touch grain state; what follows is the caller's.
    /// </summary>
    public Task<T> RunAtAsync<T>(DateTimeOffset dueAt, Func<T> start)
    {
        if (dueAt <= _time.GetUtcNow())
        {
            Interlocked.Increment(ref _lateHandOvers);
            try
            {
                return Task.FromResult(start());
            }
            catch (Exception e)
            {
                return Task.FromException<T>(e);
            }
        }

        Interlocked.Increment(ref _onTimeHandOvers);

        var due = new DueWork<T>(start);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _queue.Enqueue(due, dueAt.UtcTicks);
            if (ReferenceEquals(_queue.Peek(), due))
            {
                _changed.Set();
            }
        }

        return due.Result;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _changed.Set();
        }

        // Starting pending work now would start it early. It is abandoned instead: its task is still stored as
        // Scheduled or Running, so it runs again (on time) where its grain is activated next.
        _thread.Join();
        while (_queue.TryDequeue(out var pending, out _))
        {
            pending.Abandon();
        }

        _changed.Dispose();
    }

    private void Run()
    {
        RaisePriority();
        var ready = new List<IDueWork>();
        while (true)
        {
            long dueTicks;
            lock (_lock)
            {
                if (_disposed)
                {
                    return;
                }

                _changed.Reset();
                if (!_queue.TryPeek(out _, out dueTicks))
                {
                    dueTicks = long.MaxValue;
                }
            }

            if (dueTicks == long.MaxValue)
            {
                _changed.Wait();
                continue;
            }

            var remaining = TimeSpan.FromTicks(dueTicks - _time.GetUtcNow().UtcTicks);
            if (remaining > FineWindow)
            {
                _changed.Wait(remaining - CoarseMargin);
                continue;
            }

            SleepUntil(dueTicks);
            lock (_lock)
            {
                var now = _time.GetUtcNow().UtcTicks;
                while (_queue.TryPeek(out var work, out var ticks) && ticks <= now)
                {
                    _queue.Dequeue();
                    ready.Add(work);
                }
            }

            foreach (var work in ready)
            {
                work.Start();
            }

            ready.Clear();
        }
    }

    private void SleepUntil(long dueTicks)
    {
        if (_nanosleep)
        {
            var nanos = (dueTicks - DateTime.UnixEpoch.Ticks) * 100;
            var request = new Timespec { Seconds = nanos / 1_000_000_000, Nanoseconds = nanos % 1_000_000_000 };
            while (ClockNanosleep(ClockRealtime, TimerAbsoluteTime, ref request, IntPtr.Zero) == Eintr)
            {
                // Interrupted by a signal: sleep on to the same absolute instant.
            }
        }

        var spin = new SpinWait();
        while (_time.GetUtcNow().UtcTicks < dueTicks)
        {
            spin.SpinOnce(sleep1Threshold: -1);
        }
    }

    // The thread sleeps nearly all the time; when it wakes at a due instant it should not wait behind busy threads
    // for a core. Raising its priority needs CAP_SYS_NICE; without it the thread simply keeps the default.
    private void RaisePriority()
    {
        if (_nanosleep)
        {
            try
            {
                _ = SetPriority(PriorityProcess, GetThreadId(), -10);
            }
            catch (EntryPointNotFoundException)
            {
                // An old libc without gettid: keep the default priority.
            }
        }
    }

    private const int PriorityProcess = 0;
    private const int ClockRealtime = 0;
    private const int TimerAbsoluteTime = 1;
    private const int Eintr = 4;

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    // clock_nanosleep returns the error number itself (not -1 and errno).
    [LibraryImport("libc", EntryPoint = "clock_nanosleep")]
    private static partial int ClockNanosleep(int clockId, int flags, ref Timespec request, IntPtr remain);

    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int GetThreadId();

    [LibraryImport("libc", EntryPoint = "setpriority")]
    private static partial int SetPriority(int which, int who, int priority);

    private interface IDueWork
    {
        void Start();

        void Abandon();
    }

    // The caller's continuation runs asynchronously: never on the dispatcher's thread, which must be back asleep.
    private sealed class DueWork<T>(Func<T> start) : IDueWork
    {
        private readonly TaskCompletionSource<T> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<T> Result => _started.Task;

        public void Start()
        {
            try
            {
                _started.TrySetResult(start());
            }
            catch (Exception e)
            {
                _started.TrySetException(e);
            }
        }

        public void Abandon() => _started.TrySetCanceled();
    }
}
