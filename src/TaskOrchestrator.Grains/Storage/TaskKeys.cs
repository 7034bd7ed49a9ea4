using System.Buffers.Binary;
using System.Globalization;

namespace TaskOrchestrator.Storage;

/// <summary>
/// Table keys of a task, derived from its id alone: task ids are version-7 GUIDs, whose first 48 bits are the
/// creation time in Unix milliseconds. The row key is that time inverted plus the id, so ascending order is newest
/// first; the partition key is the row key's hour, so a query over the whole table also comes back newest first,
/// and tasks created close together share a partition (and so a batch). A row key doubles as the paging cursor.
/// </summary>
public static class TaskKeys
{
    private const int MillisDigits = 15;
    private const long MaxMillis = 999_999_999_999_999;

    /// <summary>The row key of the task with this id.</summary>
    public static string RowKey(Guid id) =>
        string.Create(CultureInfo.InvariantCulture, $"{MaxMillis - CreatedMillis(id):D15}_{id:N}");

    /// <summary>The partition key a row key belongs to.</summary>
    public static string PartitionKey(string rowKey) =>
        (long.Parse(rowKey.AsSpan(0, MillisDigits), CultureInfo.InvariantCulture) / 3_600_000).ToString("D9", CultureInfo.InvariantCulture);

    /// <summary>The partition key of the task with this id.</summary>
    public static string PartitionKey(Guid id) => PartitionKey(RowKey(id));

    /// <summary>The cursor after which a listing holds only what was created before <paramref name="instant"/> (newest first).</summary>
    public static string CursorBefore(DateTimeOffset instant) =>
        string.Create(CultureInfo.InvariantCulture, $"{MaxMillis - Math.Clamp(instant.ToUnixTimeMilliseconds(), 0, MaxMillis):D15}_{new string('f', 32)}");

    /// <summary>True when <paramref name="cursor"/> has the shape of a row key, so it is safe to use in a filter.</summary>
    public static bool IsValidCursor(string cursor) =>
        cursor.Length == MillisDigits + 1 + 32
        && cursor.AsSpan(0, MillisDigits).IndexOfAnyExceptInRange('0', '9') < 0
        && cursor[MillisDigits] == '_'
        && Guid.TryParseExact(cursor.AsSpan(MillisDigits + 1), "N", out _);

    /// <summary>The Unix milliseconds a version-7 id carries; 0 for other ids, which then sort as oldest.</summary>
    public static long CreatedMillis(Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes, bigEndian: true, out _);
        if (bytes[6] >> 4 != 7)
        {
            return 0;
        }

        return (long)(BinaryPrimitives.ReadUInt64BigEndian(bytes) >> 16);
    }
}
