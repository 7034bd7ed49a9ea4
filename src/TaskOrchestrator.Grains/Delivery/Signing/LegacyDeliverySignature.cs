using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace TaskOrchestrator.Delivery.Signing;

/// <summary>
/// The first signature scheme (<c>v1</c>), sent only with <see cref="SigningOptions.LegacyV1"/>, for targets still
/// migrating to <see cref="DeliverySignature"/> (<c>v2</c>). Unsafe with more than one tenant.
/// </summary>
/// <remarks>
/// <para>For each configured master key (<see cref="SigningOptions.Keys"/>) itself, not an owner's key:</para>
/// <code>
/// content   = ASCII("{t}.") followed by the exact body bytes as sent, t = TaskOrchestrator-Timestamp
/// signature = base64(HMAC-SHA256(key = UTF-8 bytes of the master key, content))
/// TaskOrchestrator-Signature: ... v1={signature with key 1} v1={signature with key 2}
/// </code>
/// <para>
/// It covers neither method, URL, task nor owner: a captured call verifies when replayed to another URL, and every
/// target that can verify it holds the master key, with which it can sign any call to any other tenant's target.
/// </para>
/// </remarks>
public static class LegacyDeliverySignature
{
    /// <summary>The prefix of each signature entry of this version of the scheme.</summary>
    public const string VersionPrefix = "v1=";

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

        return DeliverySignature.AnyEntryMatches(signatureHeader, Encoding.ASCII.GetBytes(VersionPrefix + Compute(key, timestamp, body)));
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
