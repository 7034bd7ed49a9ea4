using System.Globalization;
using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Indexing;

/// <summary>
/// Index keys that sort newest first. The row key is the creation time's inverted ticks plus the id, so it is
/// unique and ascending order is newest first; the partition key is the row key's hour, so a query over the
/// whole table also comes back newest first. A row key doubles as the paging cursor.
/// </summary>
public static class TaskIndexKeys
{
    private const int TicksDigits = 19;

    /// <summary>The row key of a task.</summary>
    public static string RowKey(TaskSnapshot task) =>
        string.Create(CultureInfo.InvariantCulture, $"{DateTimeOffset.MaxValue.UtcTicks - task.CreatedAt.UtcTicks:D19}_{task.Id:N}");

    /// <summary>The partition key a row key belongs to.</summary>
    public static string PartitionKey(string rowKey) =>
        (long.Parse(rowKey.AsSpan(0, TicksDigits), CultureInfo.InvariantCulture) / TimeSpan.TicksPerHour).ToString("D9", CultureInfo.InvariantCulture);

    /// <summary>True when <paramref name="cursor"/> has the shape of a row key, so it is safe to put in a filter.</summary>
    public static bool IsValidCursor(string cursor) =>
        cursor.Length == TicksDigits + 1 + 32
        && cursor.AsSpan(0, TicksDigits).IndexOfAnyExceptInRange('0', '9') < 0
        && cursor[TicksDigits] == '_'
        && Guid.TryParseExact(cursor.AsSpan(TicksDigits + 1), "N", out _);
}
