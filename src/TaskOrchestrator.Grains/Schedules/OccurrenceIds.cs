using System.Buffers.Binary;
using System.Security.Cryptography;

namespace TaskOrchestrator.Schedules;

/// <summary>
/// The id of the run an occurrence creates: a version-7 GUID carrying the occurrence's instant (so it sorts with tasks
/// created then) whose other bits are a hash of the schedule id and the instant. The same occurrence always gets the
/// same id, whoever creates it and however often: creating it again finds the run that exists, so a crash, a failover
/// or a resume never doubles an occurrence.
/// </summary>
public static class OccurrenceIds
{
    /// <summary>The id of the run of <paramref name="scheduleId"/>'s occurrence at <paramref name="scheduledFor"/>.</summary>
    public static Guid For(Guid scheduleId, DateTimeOffset scheduledFor)
    {
        Span<byte> input = stackalloc byte[16 + 8];
        scheduleId.TryWriteBytes(input, bigEndian: true, out _);
        BinaryPrimitives.WriteInt64BigEndian(input[16..], scheduledFor.UtcTicks);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(input, hash);

        Span<byte> id = stackalloc byte[16];
        var millis = (ulong)scheduledFor.ToUnixTimeMilliseconds();
        BinaryPrimitives.WriteUInt64BigEndian(id, millis << 16);
        hash[..10].CopyTo(id[6..]);
        id[6] = (byte)(0x70 | (id[6] & 0x0F));
        id[8] = (byte)(0x80 | (id[8] & 0x3F));
        return new Guid(id, bigEndian: true);
    }
}
