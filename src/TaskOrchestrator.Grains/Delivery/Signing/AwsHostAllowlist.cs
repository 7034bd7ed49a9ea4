using System.Globalization;
using Microsoft.Extensions.Options;

namespace TaskOrchestrator.Delivery.Signing;

/// <summary>
/// The hosts a call may be signed for with the service's AWS identity (<see cref="AwsSigningOptions.AllowedHosts"/>), so
/// that no tenant can make that identity sign a request to an AWS API (listing functions, reading their settings) and
/// read the answer. Checked when a task is created and again before each call is signed.
/// </summary>
/// <remarks>
/// A pattern is a host name or address, which matches that host exactly, or <c>*.</c> followed by a name, which matches
/// a host that ends in <c>.</c> and that name and has one or more labels before it: <c>*.lambda-url.eu-west-1.on.aws</c>
/// matches <c>abc.lambda-url.eu-west-1.on.aws</c> and <c>a.b.lambda-url.eu-west-1.on.aws</c>, not
/// <c>lambda-url.eu-west-1.on.aws</c> nor <c>abc.lambda-url.eu-west-1.on.aws.example.com</c>. Comparison is
/// case-insensitive, on the URL's host in its ASCII (punycode) form, without a trailing dot; ports and paths play no part.
/// </remarks>
public sealed class AwsHostAllowlist
{
    private const string Setting = $"{AwsSigningOptions.SectionName}:{nameof(AwsSigningOptions.AllowedHosts)}";
    private const string RegionSetting = $"{AwsSigningOptions.SectionName}:{nameof(AwsSigningOptions.Region)}";

    /// <summary>Creates the allowlist from validated options.</summary>
    public AwsHostAllowlist(IOptions<AwsSigningOptions> options)
    {
        var value = options.Value;
        var region = value.Region?.Trim();
        HasRegion = !string.IsNullOrEmpty(region);
        Patterns = !HasRegion ? []
            : value.AllowedHosts.Length > 0 ? [.. value.AllowedHosts.Select(Normalize)]
            : [$"*.lambda-url.{region!.ToLowerInvariant()}.on.aws"];
    }

    /// <summary>The patterns in force, normalized; empty when no region is configured.</summary>
    public IReadOnlyList<string> Patterns { get; }

    private bool HasRegion { get; }

    /// <summary>True when <paramref name="value"/> is a valid pattern: a host, or <c>*.</c> and a host name, in ASCII (punycode for other names).</summary>
    public static bool IsPattern(string? value)
    {
        var text = value?.Trim() ?? "";
        if (!text.All(char.IsAscii))
        {
            return false;
        }

        if (text.StartsWith("*.", StringComparison.Ordinal))
        {
            return Uri.CheckHostName(text[2..].TrimEnd('.')) == UriHostNameType.Dns;
        }

        return text.Length > 0 && !text.Contains('*', StringComparison.Ordinal) && Uri.CheckHostName(text.Trim('[', ']').TrimEnd('.')) != UriHostNameType.Unknown;
    }

    /// <summary>True when <paramref name="host"/> (a URL's host, see <see cref="HostOf"/>) matches <paramref name="pattern"/>.</summary>
    public static bool Matches(string pattern, string host)
    {
        var p = Normalize(pattern);
        return p.StartsWith("*.", StringComparison.Ordinal)
            ? host.Length > p.Length - 1 && host.EndsWith(p[1..], StringComparison.Ordinal)
            : string.Equals(p, host, StringComparison.Ordinal);
    }

    /// <summary>The host of <paramref name="url"/> as patterns see it: ASCII (punycode), lower case, no brackets, no trailing dot.</summary>
    public static string HostOf(Uri url) => url.IdnHost.Trim('[', ']').TrimEnd('.').ToLowerInvariant();

    /// <summary>
    /// Null when a call to <paramref name="url"/> may be signed: its host matches one of <see cref="Patterns"/> and, when
    /// <paramref name="ownerPatterns"/> is given (the owner's own restriction), one of those too. Otherwise why not, in a
    /// sentence that says how to allow it.
    /// </summary>
    public string? Refusal(Uri url, IReadOnlyCollection<string>? ownerPatterns = null)
    {
        if (!HasRegion)
        {
            return $"AWS SigV4 signing is not set up on this service: no AWS region is configured. Set {RegionSetting} (e.g. eu-west-1); " +
                $"calls may then be signed for that region's Lambda function URLs (*.lambda-url.<region>.on.aws), or for the hosts listed under {Setting}.";
        }

        var host = HostOf(url);
        if (!Patterns.Any(p => Matches(p, host)))
        {
            return $"AWS SigV4 signing is not allowed for {host}: the service signs only for hosts matching {Setting} ({Describe(Patterns)}).";
        }

        if (ownerPatterns is not null && !ownerPatterns.Any(p => IsPattern(p) && Matches(p, host)))
        {
            return $"AWS SigV4 signing is not allowed for {host}: your token's aws_hosts claim allows only {Describe(ownerPatterns)}.";
        }

        return null;
    }

    private static string Describe(IReadOnlyCollection<string> patterns) => patterns.Count == 0
        ? "none"
        : string.Join(", ", patterns.Take(5)) + (patterns.Count > 5 ? string.Create(CultureInfo.InvariantCulture, $" and {patterns.Count - 5} more") : "");

    private static string Normalize(string pattern) => pattern.Trim().Trim('[', ']').TrimEnd('.').ToLowerInvariant();
}
