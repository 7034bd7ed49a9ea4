using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace TaskOrchestrator.Storage;

/// <summary>
/// Mints the ids of tasks and orchestrations: version-7 GUIDs whose last 32 bits are a tag, an HMAC of the rest under
/// the deployment's id key, so that the gateway can tell an id this service minted from a made-up one without a grain
/// activation or a storage read (<see cref="IsMinted"/>). It also remembers, for a minute, the ids this process minted
/// and no grain has loaded yet: such an id has never been stored anywhere, so loading its grain needs no storage read.
/// </summary>
/// <remarks>
/// The key is shared by every silo (<see cref="UseKey"/>, from storage at start); until then, and in the in-memory mode,
/// a random key of this process's. An id minted under another key (or before tags existed) is not rejected by
/// <see cref="IsMinted"/> returning false: the caller then checks storage, which is what made-up ids cost.
/// </remarks>
public sealed class TaskIdMinter(TimeProvider time)
{
    /// <summary>The size of the id key in bytes.</summary>
    public const int KeyBytes = 32;

    private const int TagOffset = 12;
    private static readonly TimeSpan Memory = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<Guid, long> _fresh = new();
    private byte[] _key = RandomNumberGenerator.GetBytes(KeyBytes);
    private long _lastSweep;

    /// <summary>Tags ids from now on with <paramref name="key"/>, the deployment's shared id key.</summary>
    public void UseKey(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length != KeyBytes)
        {
            throw new ArgumentException($"An id key is {KeyBytes} bytes.", nameof(key));
        }

        Volatile.Write(ref _key, [.. key]);
    }

    /// <summary>A new id carrying <paramref name="createdAt"/> and this deployment's tag.</summary>
    public Guid Mint(DateTimeOffset createdAt)
    {
        Span<byte> bytes = stackalloc byte[16];
        Guid.CreateVersion7(createdAt).TryWriteBytes(bytes, bigEndian: true, out _);
        Tag(Volatile.Read(ref _key), bytes[..TagOffset], bytes[TagOffset..]);
        var id = new Guid(bytes, bigEndian: true);

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

    /// <summary>
    /// The creation time <paramref name="id"/> carries, to the millisecond (what <see cref="Mint"/> was given), so that a
    /// task made again from a stored id (after a crash) gets the same one.
    /// </summary>
    public static DateTimeOffset CreatedAt(Guid id) => DateTimeOffset.FromUnixTimeMilliseconds(TaskKeys.CreatedMillis(id));

    /// <summary>True when <paramref name="id"/> carries this deployment's tag: this service minted it (the resource may still not exist).</summary>
    public bool IsMinted(Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes, bigEndian: true, out _);
        if (bytes[6] >> 4 != 7)
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[16 - TagOffset];
        Tag(Volatile.Read(ref _key), bytes[..TagOffset], expected);
        return CryptographicOperations.FixedTimeEquals(expected, bytes[TagOffset..]);
    }

    /// <summary>True, once, when this process minted <paramref name="id"/> within the last minute.</summary>
    public bool TryClaimNew(Guid id) => _fresh.TryRemove(id, out var minted) && time.GetElapsedTime(minted) < Memory;

    private static void Tag(byte[] key, ReadOnlySpan<byte> head, Span<byte> tag)
    {
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(key, head, mac);
        mac[..tag.Length].CopyTo(tag);
    }

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
