using System.Globalization;

namespace TaskOrchestrator.Retention;

/// <summary>
/// Keys of expiry rows: the partition is the expiry instant's 10-second bucket (Unix seconds, rounded down, 12 digits,
/// so that string order is time order), the row key the resource's id, prefixed by <c>o-</c> for an orchestration (a
/// task's has no prefix, as rows filed before orchestrations expired). The sweep reads the partitions up to now's
/// bucket and nothing else: what it reads is what is due (plus the rest of the current bucket), never the whole table.
/// </summary>
public static class ExpiryKeys
{
    /// <summary>The width of a bucket.</summary>
    public static readonly TimeSpan BucketWidth = TimeSpan.FromSeconds(10);

    private const string OrchestrationPrefix = "o-";

    /// <summary>The bucket an instant falls in.</summary>
    public static string Bucket(DateTimeOffset at)
    {
        var seconds = Math.Max(0, at.ToUnixTimeSeconds());
        var width = (long)BucketWidth.TotalSeconds;
        return (seconds / width * width).ToString("D12", CultureInfo.InvariantCulture);
    }

    /// <summary>The row key of a task's expiry row.</summary>
    public static string RowKey(Guid id) => id.ToString("N");

    /// <summary>The row key of the expiry row of <paramref name="id"/> of <paramref name="kind"/>.</summary>
    public static string RowKey(ExpiryKind kind, Guid id) => kind == ExpiryKind.Orchestration ? OrchestrationPrefix + RowKey(id) : RowKey(id);

    /// <summary>Reads a row key; false for one that names no resource (not ours to touch).</summary>
    public static bool TryParse(string rowKey, out ExpiryKind kind, out Guid id)
    {
        ArgumentNullException.ThrowIfNull(rowKey);
        kind = rowKey.StartsWith(OrchestrationPrefix, StringComparison.Ordinal) ? ExpiryKind.Orchestration : ExpiryKind.Task;
        var text = kind == ExpiryKind.Orchestration ? rowKey.AsSpan(OrchestrationPrefix.Length) : rowKey.AsSpan();
        return Guid.TryParseExact(text, "N", out id);
    }
}
