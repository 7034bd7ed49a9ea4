using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace TaskOrchestrator.Network;

/// <summary>
/// Decides which addresses a task may call: none in the ranges below unless <see cref="TargetNetworkOptions"/> allows
/// the host name or the network. IPv4 addresses embedded in IPv6 (IPv4-mapped, NAT64 64:ff9b::/96, 6to4 2002::/16)
/// are judged by the IPv4 address.
/// </summary>
public sealed class TargetAddressPolicy
{
    private static readonly (IPNetwork Network, string Kind)[] BlockedV4 =
    [
        (IPNetwork.Parse("0.0.0.0/8"), "a 'this network' address (0.0.0.0/8)"),
        (IPNetwork.Parse("10.0.0.0/8"), "a private address (RFC 1918)"),
        (IPNetwork.Parse("100.64.0.0/10"), "a CGNAT shared address (100.64.0.0/10)"),
        (IPNetwork.Parse("127.0.0.0/8"), "a loopback address"),
        (IPNetwork.Parse("169.254.0.0/16"), "a link-local address (169.254.0.0/16, where cloud metadata services live)"),
        (IPNetwork.Parse("172.16.0.0/12"), "a private address (RFC 1918)"),
        (IPNetwork.Parse("192.0.0.0/24"), "an IETF protocol assignment address (192.0.0.0/24)"),
        (IPNetwork.Parse("192.0.2.0/24"), "a documentation address (192.0.2.0/24)"),
        (IPNetwork.Parse("192.88.99.0/24"), "a 6to4 relay anycast address (192.88.99.0/24)"),
        (IPNetwork.Parse("192.168.0.0/16"), "a private address (RFC 1918)"),
        (IPNetwork.Parse("198.18.0.0/15"), "a benchmarking address (198.18.0.0/15)"),
        (IPNetwork.Parse("198.51.100.0/24"), "a documentation address (198.51.100.0/24)"),
        (IPNetwork.Parse("203.0.113.0/24"), "a documentation address (203.0.113.0/24)"),
        (IPNetwork.Parse("224.0.0.0/4"), "a multicast address"),
        (IPNetwork.Parse("240.0.0.0/4"), "a reserved or broadcast address (240.0.0.0/4)"),
    ];

    private static readonly (IPNetwork Network, string Kind)[] BlockedV6 =
    [
        (IPNetwork.Parse("::/128"), "the unspecified address"),
        (IPNetwork.Parse("::1/128"), "a loopback address"),
        (IPNetwork.Parse("::/96"), "an IPv4-compatible IPv6 address (deprecated, ::/96)"),
        (IPNetwork.Parse("64:ff9b:1::/48"), "a local-use NAT64 address (64:ff9b:1::/48)"),
        (IPNetwork.Parse("100::/64"), "a discard-only address (100::/64)"),
        (IPNetwork.Parse("2001:db8::/32"), "a documentation address (2001:db8::/32)"),
        (IPNetwork.Parse("fc00::/7"), "a unique-local address (fc00::/7)"),
        (IPNetwork.Parse("fe80::/10"), "a link-local address (fe80::/10)"),
        (IPNetwork.Parse("fec0::/10"), "a site-local address (deprecated, fec0::/10)"),
        (IPNetwork.Parse("ff00::/8"), "a multicast address"),
    ];

    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");
    private static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16");

    private readonly IPNetwork[] _allowedNetworks;
    private readonly string[] _allowedHosts;
    private readonly string[] _allowedSuffixes;

    /// <summary>Creates the policy from validated options.</summary>
    public TargetAddressPolicy(IOptions<TargetNetworkOptions> options)
    {
        var value = options.Value;
        _allowedNetworks = [.. value.AllowedNetworks.Select(n => TargetNetworkOptions.TryParseNetwork(n, out var network)
            ? network
            : throw new InvalidOperationException($"{TargetNetworkOptions.SectionName}:AllowedNetworks '{n}' is not a CIDR network."))];
        var hosts = value.AllowedHosts.Select(h => Normalize(h.Trim())).ToArray();
        _allowedHosts = [.. hosts.Where(h => !h.StartsWith("*.", StringComparison.Ordinal))];
        _allowedSuffixes = [.. hosts.Where(h => h.StartsWith("*.", StringComparison.Ordinal)).Select(h => h[1..])];
    }

    /// <summary>
    /// Why <paramref name="address"/>, which <paramref name="host"/> (the URL's host) resolved to, may not be called,
    /// e.g. "a loopback address"; null when it may be.
    /// </summary>
    public string? Refusal(string host, IPAddress address)
    {
        if (BlockedKind(address) is not { } kind || IsAllowed(host, address))
        {
            return null;
        }

        return kind;
    }

    /// <summary>Whether a literal address in a URL's host may be called: null when it may, else what kind of address it is.</summary>
    public string? Refusal(IPAddress address) => Refusal(address.ToString(), address);

    /// <summary>The blocked range <paramref name="address"/> lies in, described ("a private address (RFC 1918)"); null for none.</summary>
    public static string? BlockedKind(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return Find(BlockedV4, address);
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return "an address that is neither IPv4 nor IPv6";
        }

        if (EmbeddedV4(address) is { } embedded)
        {
            return BlockedKind(embedded) is { } kind ? $"{kind} embedded in IPv6 as {address}" : null;
        }

        return Find(BlockedV6, address);
    }

    private bool IsAllowed(string host, IPAddress address)
    {
        var name = Normalize(host);
        if (_allowedHosts.Any(h => string.Equals(h, name, StringComparison.OrdinalIgnoreCase))
            || _allowedSuffixes.Any(s => name.EndsWith(s, StringComparison.OrdinalIgnoreCase)))
        {
            return true;
        }

        var embedded = address.AddressFamily == AddressFamily.InterNetworkV6 ? EmbeddedV4(address) : null;
        return _allowedNetworks.Any(n => n.Contains(address) || (embedded is not null && n.Contains(embedded)));
    }

    // The IPv4 address an IPv6 address stands for: IPv4-mapped (::ffff:a.b.c.d), NAT64 (64:ff9b::a.b.c.d) or 6to4 (2002:aabb:ccdd::/48).
    private static IPAddress? EmbeddedV4(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        if (Nat64.Contains(address))
        {
            return new IPAddress(bytes[12..]);
        }

        return SixToFour.Contains(address) ? new IPAddress(bytes[2..6]) : null;
    }

    private static string? Find((IPNetwork Network, string Kind)[] ranges, IPAddress address)
    {
        foreach (var (network, kind) in ranges)
        {
            if (network.Contains(address))
            {
                return kind;
            }
        }

        return null;
    }

    // Host names compare without brackets around IPv6 literals and without the root's trailing dot ("localhost." is localhost).
    private static string Normalize(string host) => host.Trim('[', ']').TrimEnd('.');
}
