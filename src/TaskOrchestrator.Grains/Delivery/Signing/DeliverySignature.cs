using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace TaskOrchestrator.Delivery.Signing;

/// <summary>
/// The scheduler's signature on every call (scheme <c>v2</c>), by which a target knows that the call came from this
/// scheduler for a task of the owner whose key it holds, to this very URL and method, for this task and attempt,
/// unaltered and recently. docs/receiving-calls.md describes it for target authors.
/// </summary>
/// <remarks>
/// <para>Each owner has its own keys (<see cref="OwnerSigningKeys"/>), one per configured master key. For each:</para>
/// <code>
/// content   = UTF-8 of "v2\n{METHOD}\n{URL}\n{TaskOrchestrator-Owner}\n{TaskOrchestrator-Task-Id}\n{TaskOrchestrator-Attempt}\n{TaskOrchestrator-Timestamp}\n"
///             followed by the exact body bytes as sent (nothing when there is no body)
/// signature = base64(HMAC-SHA256(key = the owner's key, content))
/// TaskOrchestrator-Signature: v2={signature with key 1} v2={signature with key 2}
/// </code>
/// <para>
/// <c>{URL}</c> is <see cref="SignedUrl"/>: scheme, <c>://</c>, the <c>Host</c> header as sent, then the request target
/// (path and query) exactly as on the request line. No field before the body can hold a line feed, so the content
/// cannot be read two ways. A target recomputes the signature with its key, compares it in constant time with each
/// <c>v2=</c> entry (any match is valid; entries of other versions are ignored), and rejects a timestamp further than a
/// few minutes (<see cref="DefaultTolerance"/>) from its clock. <see cref="Verify"/> does exactly that.
/// </para>
/// </remarks>
public static class DeliverySignature
{
    /// <summary>When the call was signed: Unix seconds.</summary>
    public const string TimestampHeader = "TaskOrchestrator-Timestamp";

    /// <summary>Space-separated <c>v2={base64}</c> entries, one per active key (and <c>v1=</c> ones with <see cref="SigningOptions.LegacyV1"/>).</summary>
    public const string SignatureHeader = "TaskOrchestrator-Signature";

    /// <summary>The task's owner (the subject of the token that created it), percent-encoded (<see cref="OwnerHeaderValue"/>).</summary>
    public const string OwnerHeader = "TaskOrchestrator-Owner";

    /// <summary>The prefix of each signature entry of this version of the scheme.</summary>
    public const string VersionPrefix = "v2=";

    /// <summary>How far from a target's clock a timestamp may be: 5 minutes.</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The value of <see cref="OwnerHeader"/> for <paramref name="owner"/>: its UTF-8 bytes percent-encoded, every byte
    /// but the unreserved characters of RFC 3986 (<c>A-Z a-z 0-9 - . _ ~</c>), so <c>auth0|42</c> is <c>auth0%7C42</c>.
    /// </summary>
    public static string OwnerHeaderValue(string owner) => Uri.EscapeDataString(owner);

    /// <summary>
    /// The URL as <paramref name="uri"/> is sent, which is what the signature covers: <c>{scheme}://{host}[:{port}]{path and query}</c>,
    /// the host lower case and in ASCII (punycode), in brackets for IPv6, the port only when not the scheme's default,
    /// path and query as on the request line, no user information, no fragment.
    /// </summary>
    public static string SignedUrl(Uri uri)
    {
        var host = uri.HostNameType == UriHostNameType.IPv6 ? $"[{uri.IdnHost.Trim('[', ']')}]" : uri.IdnHost;
        var port = uri.IsDefaultPort ? "" : string.Create(CultureInfo.InvariantCulture, $":{uri.Port}");
        return $"{uri.Scheme}://{host.ToLowerInvariant()}{port}{uri.PathAndQuery}";
    }

    /// <summary>The base64 <c>v2</c> signature under <paramref name="ownerKey"/> of a call with these values and <paramref name="body"/>.</summary>
    public static string Compute(ReadOnlySpan<byte> ownerKey, string method, string url, string owner, string taskId, string attempt, string timestamp, ReadOnlySpan<byte> body)
    {
        var head = Encoding.UTF8.GetBytes($"v2\n{method}\n{url}\n{owner}\n{taskId}\n{attempt}\n{timestamp}\n");
        var content = new byte[head.Length + body.Length];
        head.CopyTo(content, 0);
        body.CopyTo(content.AsSpan(head.Length));
        return Convert.ToBase64String(HMACSHA256.HashData(ownerKey, content));
    }

    /// <summary>
    /// True when the call is signed with <paramref name="ownerKey"/> (base64, as <c>GET /signing-keys</c> gives it):
    /// <see cref="SignatureHeader"/> holds a <c>v2</c> signature of <paramref name="method"/>, <paramref name="url"/>
    /// (<see cref="SignedUrl"/>: build it from the origin the target knows it serves and the request target as received),
    /// the owner, task id, attempt and timestamp headers (read through <paramref name="header"/>) and <paramref name="body"/>,
    /// and the timestamp is within <paramref name="tolerance"/> of <paramref name="now"/>.
    /// </summary>
    public static bool Verify(
        string ownerKey, string method, string url, Func<string, string?> header, ReadOnlySpan<byte> body, DateTimeOffset now, TimeSpan tolerance)
    {
        ArgumentNullException.ThrowIfNull(header);
        var timestamp = header(TimestampHeader);
        var signatures = header(SignatureHeader);
        if (header(OwnerHeader) is not { } owner || header(DeliveryHeaders.TaskId) is not { } taskId || header(DeliveryHeaders.Attempt) is not { } attempt
            || string.IsNullOrEmpty(signatures)
            || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || Math.Abs(now.ToUnixTimeSeconds() - seconds) > tolerance.TotalSeconds)
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(VersionPrefix + Compute(Convert.FromBase64String(ownerKey), method, url, owner, taskId, attempt, timestamp!, body));
        return AnyEntryMatches(signatures, expected);
    }

    /// <summary>Whether any space-separated entry of <paramref name="signatures"/> equals <paramref name="expected"/>, compared in constant time.</summary>
    internal static bool AnyEntryMatches(string signatures, byte[] expected)
    {
        var valid = false;
        foreach (var entry in signatures.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            // Not short-circuited, so the time taken does not tell which entry matched.
            valid |= CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(entry));
        }

        return valid;
    }
}
