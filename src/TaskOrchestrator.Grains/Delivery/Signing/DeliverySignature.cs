using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace TaskOrchestrator.Delivery.Signing;

/// <summary>
/// The scheduler's signature on every call, by which a target knows the call came from this scheduler, unaltered and
/// recently: the same scheme as Svix or QStash webhooks.
/// </summary>
/// <remarks>
/// <para>Version <c>v1</c>, for each configured key (<see cref="SigningOptions.Keys"/>):</para>
/// <code>
/// TaskOrchestrator-Timestamp: {t}                      t = the time of signing, whole Unix seconds, decimal
/// signed content = ASCII("{t}.") followed by the exact body bytes as sent (nothing when there is no body)
/// signature      = base64(HMAC-SHA256(key = UTF-8 bytes of the key string, signed content))
/// TaskOrchestrator-Signature: v1={signature with key 1} v1={signature with key 2}
/// </code>
/// <para>
/// A target recomputes the signature with its key over the timestamp header and the raw body, compares it in
/// constant time with each <c>v1=</c> entry (any match is valid; ignore entries of other versions), and rejects a
/// timestamp further than a few minutes (<see cref="DefaultTolerance"/>) from its clock, which stops replays.
/// <see cref="Verify"/> does exactly that.
/// </para>
/// </remarks>
public static class DeliverySignature
{
    /// <summary>When the call was signed: Unix seconds.</summary>
    public const string TimestampHeader = "TaskOrchestrator-Timestamp";

    /// <summary>Space-separated <c>v1={base64}</c> entries, one per active key.</summary>
    public const string SignatureHeader = "TaskOrchestrator-Signature";

    /// <summary>The prefix of each signature entry of this version of the scheme.</summary>
    public const string VersionPrefix = "v1=";

    /// <summary>How far from a target's clock a timestamp may be: 5 minutes.</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    /// <summary>The base64 HMAC-SHA256 of <c>"{timestamp}."</c> and <paramref name="body"/> under <paramref name="key"/> (its UTF-8 bytes).</summary>
    public static string Compute(string key, long timestamp, ReadOnlySpan<byte> body) =>
        Compute(Encoding.UTF8.GetBytes(key), timestamp, body);

    /// <summary>
    /// True when <paramref name="signatureHeader"/> holds a <c>v1</c> signature of <paramref name="body"/> at
    /// <paramref name="timestampHeader"/> under <paramref name="key"/>, and that timestamp is within
    /// <paramref name="tolerance"/> of <paramref name="now"/>.
    /// </summary>
    public static bool Verify(string key, string? timestampHeader, ReadOnlySpan<byte> body, string? signatureHeader, DateTimeOffset now, TimeSpan tolerance)
    {
        if (!long.TryParse(timestampHeader, NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp)
            || Math.Abs(now.ToUnixTimeSeconds() - timestamp) > tolerance.TotalSeconds
            || string.IsNullOrEmpty(signatureHeader))
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Compute(key, timestamp, body));
        var valid = false;
        foreach (var entry in signatureHeader.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (entry.StartsWith(VersionPrefix, StringComparison.Ordinal))
            {
                // Not short-circuited, so the time taken does not tell which entry matched.
                valid |= CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(entry[VersionPrefix.Length..]));
            }
        }

        return valid;
    }

    internal static string Compute(byte[] key, long timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.ASCII.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        var content = new byte[prefix.Length + body.Length];
        prefix.CopyTo(content, 0);
        body.CopyTo(content.AsSpan(prefix.Length));
        return Convert.ToBase64String(HMACSHA256.HashData(key, content));
    }
}
