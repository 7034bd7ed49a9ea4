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
    private readonly ConcurrentDictionary<Guid, long> _fresh = new();

    /// <summary>A new id carrying <paramref name="createdAt"/>.</summary>
    public Guid Mint(DateTimeOffset createdAt)
    {
        var id = Guid.CreateVersion7(createdAt);
        _fresh[id] = time.GetTimestamp();
        if (_fresh.Count > 10_000)
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
