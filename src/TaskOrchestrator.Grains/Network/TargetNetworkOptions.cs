using System.ComponentModel.DataAnnotations;
using System.Net;

namespace TaskOrchestrator.Network;

/// <summary>
/// Which otherwise blocked targets tasks may call (the SSRF guard). Section <c>TaskOrchestrator:Delivery:Network</c>.
/// By default both lists are empty: every address in a blocked range (loopback, private, link-local and cloud metadata,
/// CGNAT, unique-local IPv6, multicast, reserved, …; see <see cref="TargetAddressPolicy"/>) is refused.
/// </summary>
public sealed class TargetNetworkOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "TaskOrchestrator:Delivery:Network";

    /// <summary>
    /// Networks whose addresses may be called although blocked, in CIDR form (<c>127.0.0.0/8</c>, <c>::1/128</c>,
    /// <c>10.1.0.0/16</c>); a bare address means just that address. Default empty.
    /// </summary>
    public string[] AllowedNetworks { get; set; } = [];

    /// <summary>
    /// Host names (as written in the task's URL, case-insensitive) that may be called whatever they resolve to:
    /// <c>localhost</c> matches exactly that name, <c>*.internal.example.com</c> matches every name below
    /// <c>internal.example.com</c> but not that name itself. Default empty.
    /// </summary>
    public string[] AllowedHosts { get; set; } = [];

    /// <summary>Parses one <see cref="AllowedNetworks"/> entry: CIDR, or a bare address as a single-address network.</summary>
    public static bool TryParseNetwork(string? value, out IPNetwork network)
    {
        network = default;
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        if (!text.Contains('/', StringComparison.Ordinal))
        {
            if (!IPAddress.TryParse(text, out var address))
            {
                return false;
            }

            network = new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }

        // Strict: 10.1.0.1/16 is more likely a typo than a way of writing 10.1.0.0/16, so it is refused rather than masked.
        return IPNetwork.TryParse(text, out network)
            && IPAddress.TryParse(text.AsSpan(0, text.IndexOf('/', StringComparison.Ordinal)), out var written)
            && written.Equals(network.BaseAddress);
    }

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < AllowedNetworks.Length; i++)
        {
            if (!TryParseNetwork(AllowedNetworks[i], out _))
            {
                yield return new ValidationResult(
                    $"{SectionName}:AllowedNetworks:{i} '{AllowedNetworks[i]}' is not a network in CIDR form such as 10.1.0.0/16 or fd00::/8 " +
                    "(the address must have no bits set beyond the prefix length), nor a single address.",
                    [nameof(AllowedNetworks)]);
            }
        }

        for (var i = 0; i < AllowedHosts.Length; i++)
        {
            var host = AllowedHosts[i]?.Trim() ?? "";
            var name = host.StartsWith("*.", StringComparison.Ordinal) ? host[2..] : host;
            if (name.Length == 0 || name.Contains('*', StringComparison.Ordinal) || name.Contains('/', StringComparison.Ordinal) || name.Contains(':', StringComparison.Ordinal))
            {
                yield return new ValidationResult(
                    $"{SectionName}:AllowedHosts:{i} '{AllowedHosts[i]}' is not a host name: give a name such as localhost, " +
                    "or *.example.com for every name below example.com (no scheme, port or other wildcard; list addresses under AllowedNetworks).",
                    [nameof(AllowedHosts)]);
            }
        }
    }
}
