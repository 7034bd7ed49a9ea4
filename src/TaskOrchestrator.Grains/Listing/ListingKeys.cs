using System.Security.Cryptography;
using System.Text;
using TaskOrchestrator.Storage;

namespace TaskOrchestrator.Listing;

/// <summary>
/// Where listing rows live. Every resource has a position, <see cref="TaskKeys.RowKey"/> of its id (its creation time
/// inverted, then the id), so that ascending key order is newest first, and these rows:
/// <list type="bullet">
/// <item>in its owner's own table (<see cref="OwnerTable"/>), partition <see cref="OwnerPartition"/>: row
/// <c>a_{position}</c> (the owner's listing) and row <c>s_{status}_{position}</c> (the owner's listing of one status).
/// One partition, so a status change of both is one entity-group transaction; a table per owner, so an owner's listing
/// reads only that owner's rows (also on emulators, which scan a whole table per query), and an owner's rows can be
/// dropped as one.</item>
/// <item>in the same partition, per label of the resource (see <see cref="LabelDigest"/>): row <c>l_{label}_{position}</c>
/// (the owner's listing of one label) and row <c>ls_{status}_{label}_{position}</c> (of one label and status).</item>
/// <item>in the kind's shared index table, partition <c>s_{status}_{hour}</c> (the hour of the position): row
/// <c>{position}</c>, the listing of one status across owners, for admins.</item>
/// </list>
/// Each listing is then one key range read newest first: a page costs about one storage request, whatever else the
/// tables hold. The admins' listing of everything is the state table (or the kind's rows keyed by position).
/// </summary>
public static class ListingKeys
{
    /// <summary>The row key prefix of an owner's listing of everything.</summary>
    public const string AllPrefix = "a_";

    /// <summary>The one partition of an owner's table.</summary>
    public const string OwnerPartition = "o";

    /// <summary>Sorts after every character a position holds: the upper bound of a prefix range.</summary>
    public const char RangeEnd = '~';

    // A table name is 3 to 63 letters and digits: the index table's name (cut to fit), "O", then 96 bits of the owner's hash.
    private const int OwnerHashHexDigits = 24;
    private const int MaxTableName = 63;

    /// <summary>
    /// The owner's table of the listing rows kept in <paramref name="indexTable"/>. Subjects may be long and hold any
    /// character, so the name carries 96 bits of the subject's SHA-256, in hex.
    /// </summary>
    public static string OwnerTable(string indexTable, string owner)
    {
        ArgumentNullException.ThrowIfNull(indexTable);
        var prefix = indexTable.Length > MaxTableName - 1 - OwnerHashHexDigits ? indexTable[..(MaxTableName - 1 - OwnerHashHexDigits)] : indexTable;
        return prefix + "O" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(owner)).AsSpan(0, OwnerHashHexDigits / 2));
    }

    /// <summary>
    /// The row key prefix of an owner's listing of one group (the runs of a schedule: <c>schedule-{id}</c>). A group's name
    /// is ours, never a caller's text: letters, digits and '-' only.
    /// </summary>
    public static string GroupPrefix(string group) => $"g_{group}_";

    /// <summary>The group of the runs of schedule <paramref name="scheduleId"/>.</summary>
    public static string ScheduleGroup(Guid scheduleId) => $"schedule-{scheduleId:N}";

    /// <summary>
    /// The name of one label in row keys: 128 bits of the SHA-256 of its key and value, in hex. A label's value may hold
    /// any printable character and up to 256 of them, and a row key may not hold <c>/ \ # ?</c> nor pass 1 KiB; a
    /// digest fits whatever the label, and being of fixed length it is never the start of another label's name. A
    /// listing by label checks each item's labels, so a collision could not show a wrong item.
    /// </summary>
    public static string LabelDigest(string key, string value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);

        // A key never holds a line feed (see TaskOrchestrator.Labels.LabelSet): key and value cannot run into each other.
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{key}\n{value}"));
        return Convert.ToHexString(hash.AsSpan(0, 16));
    }

    /// <summary>The row key prefix of an owner's listing of the label named <paramref name="digest"/> (<see cref="LabelDigest"/>).</summary>
    public static string LabelPrefix(string digest) => $"l_{digest}_";

    /// <summary>The row key prefix of an owner's listing of the label named <paramref name="digest"/> in one status.</summary>
    public static string LabelStatusPrefix(string status, string digest) => $"ls_{status}_{digest}_";

    /// <summary>The row key prefix of an owner's listing of one status.</summary>
    public static string StatusPrefix(string status) => $"s_{status}_";

    /// <summary>The partition of the cross-owner listing of <paramref name="status"/> that holds <paramref name="position"/>.</summary>
    public static string StatusPartition(string status, string position) => StatusPrefix(status) + TaskKeys.PartitionKey(position);
}
