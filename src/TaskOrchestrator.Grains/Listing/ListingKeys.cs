using System.Security.Cryptography;
using System.Text;
using TaskOrchestrator.Storage;

namespace TaskOrchestrator.Listing;

/// <summary>
/// The keys of listing rows. Every resource has a position, <see cref="TaskKeys.RowKey"/> of its id (its creation time
/// inverted, then the id), so that ascending key order is newest first, and these rows:
/// <list type="bullet">
/// <item>in its owner's partition <c>o_{owner key}</c>: row <c>a_{position}</c> (the owner's listing) and row
/// <c>s_{status}_{position}</c> (the owner's listing of one status). One partition, so a status change of both is one
/// entity-group transaction.</item>
/// <item>in the partition <c>s_{status}_{hour}</c> (the hour of the position): row <c>{position}</c>, the listing of one
/// status across owners, for admins.</item>
/// </list>
/// Each listing is then one key range read newest first: a page costs about one storage request, whatever else the
/// table holds. The admins' listing of everything is the state table itself (keyed by position).
/// </summary>
public static class ListingKeys
{
    /// <summary>The row key prefix of an owner's listing of everything.</summary>
    public const string AllPrefix = "a_";

    /// <summary>Sorts after every character a position holds: the upper bound of a prefix range.</summary>
    public const char RangeEnd = '~';

    /// <summary>
    /// The owner's partition. Subjects may be long and hold characters a key may not (<c>/ \ # ?</c>, control
    /// characters), so the key is 128 bits of the subject's SHA-256, in hex.
    /// </summary>
    public static string OwnerPartition(string owner) =>
        "o_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(owner)).AsSpan(0, 16));

    /// <summary>The row key prefix of an owner's listing of one status.</summary>
    public static string StatusPrefix(string status) => $"s_{status}_";

    /// <summary>The partition of the cross-owner listing of <paramref name="status"/> that holds <paramref name="position"/>.</summary>
    public static string StatusPartition(string status, string position) => StatusPrefix(status) + TaskKeys.PartitionKey(position);
}
