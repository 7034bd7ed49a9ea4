using System.Collections.Concurrent;

namespace TaskOrchestrator.Storage;

/// <summary>
/// Mints task ids (version-7 GUIDs) and remembers, for a minute, the ones this process minted and no grain has
/// loaded yet. Such an id has never been stored anywhere, so loading its grain needs no storage read: a new task
/// costs one read less. Task grains prefer local placement, so the grain of an id minted here is activated here.
/// </summary>
public sealed class TaskIdMinter(TimeProvider time)
{
    private static readonly TimeSpan Memory = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<Guid, long> _fresh = new();
    private long _lastSweep;

    /// <summary>A new id carrying <paramref name="createdAt"/>.</summary>
    public Guid Mint(DateTimeOffset createdAt)
    {
        var id = Guid.CreateVersion7(createdAt);
        var now = time.GetTimestamp();
        _fresh[id] = now;

        // Ids whose grain never loaded (a failed request) are forgotten by a sweep at most every few seconds.
        var lastSweep = Interlocked.Read(ref _lastSweep);
        if (_fresh.Count > 10_000 && time.GetElapsedTime(lastSweep) > SweepInterval && Interlocked.CompareExchange(ref _lastSweep, now, lastSweep) == lastSweep)
        {
            Forget();
        }

        return id;
    }

    /// <summary>True, once, when this process minted <paramref name="id"/> within the last minute.</summary>
    public bool TryClaimNew(Guid id) => _fresh.TryRemove(id, out var minted) && time.GetElapsedTime(minted) < Memory;

    private void Forget()
    {
        foreach (var (id, minted) in _fresh)
        {
            if (time.GetElapsedTime(minted) >= Memory)
            {
                _fresh.TryRemove(id, out _);
            }
        }
    }
}
