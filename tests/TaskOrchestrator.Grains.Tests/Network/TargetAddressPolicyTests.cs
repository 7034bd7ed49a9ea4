using System.Net;
using Microsoft.Extensions.Options;
using TaskOrchestrator.Network;

namespace TaskOrchestrator.Grains.Tests.Network;

public sealed class TargetAddressPolicyTests
{
    private static readonly TargetAddressPolicy Default = Policy(new TargetNetworkOptions());

    [Theory]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("127.255.0.9", "loopback")]
    [InlineData("::1", "loopback")]
    [InlineData("10.0.0.5", "private")]
    [InlineData("172.16.0.1", "private")]
    [InlineData("172.31.255.255", "private")]
    [InlineData("192.168.1.1", "private")]
    [InlineData("169.254.169.254", "link-local")]
    [InlineData("100.64.0.1", "CGNAT")]
    [InlineData("100.127.255.254", "CGNAT")]
    [InlineData("0.0.0.0", "this network")]
    [InlineData("192.0.0.8", "IETF protocol")]
    [InlineData("192.0.2.1", "documentation")]
    [InlineData("198.18.0.1", "benchmarking")]
    [InlineData("198.51.100.7", "documentation")]
    [InlineData("203.0.113.7", "documentation")]
    [InlineData("224.0.0.1", "multicast")]
    [InlineData("240.0.0.1", "reserved")]
    [InlineData("255.255.255.255", "broadcast")]
    [InlineData("::", "unspecified")]
    [InlineData("fc00::1", "unique-local")]
    [InlineData("fd12:3456::1", "unique-local")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("ff02::1", "multicast")]
    [InlineData("2001:db8::1", "documentation")]
    [InlineData("::ffff:127.0.0.1", "loopback")]
    [InlineData("::ffff:169.254.169.254", "link-local")]
    [InlineData("::ffff:10.1.2.3", "private")]
    [InlineData("64:ff9b::a9fe:a9fe", "link-local")]
    [InlineData("2002:7f00:1::1", "loopback")]
    public void Refusal_BlockedAddress_NamesItsRange(string address, string kind)
    {
        var refusal = Default.Refusal(IPAddress.Parse(address));

        Assert.NotNull(refusal);
        Assert.Contains(kind, refusal, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("93.184.215.14")]
    [InlineData("100.63.255.255")]
    [InlineData("100.128.0.0")]
    [InlineData("172.32.0.1")]
    [InlineData("169.253.255.255")]
    [InlineData("2606:4700::1111")]
    [InlineData("2a00:1450:4001::200e")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("64:ff9b::808:808")]
    [InlineData("2002:808:808::1")]
    public void Refusal_PublicAddress_Allows(string address)
    {
        Assert.Null(Default.Refusal(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("127.0.0.1", null)]
    [InlineData("::ffff:127.0.0.1", null)]
    [InlineData("10.1.200.3", null)]
    [InlineData("10.2.0.1", "private")]
    [InlineData("::1", null)]
    [InlineData("169.254.169.254", "link-local")]
    public void Refusal_AllowedNetworks_OpenOnlyThoseRanges(string address, string? kind)
    {
        var policy = Policy(new TargetNetworkOptions { AllowedNetworks = ["127.0.0.0/8", "10.1.0.0/16", "::1"] });

        var refusal = policy.Refusal("target.example", IPAddress.Parse(address));

        if (kind is null)
        {
            Assert.Null(refusal);
        }
        else
        {
            Assert.Contains(kind, refusal, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("localhost", true)]
    [InlineData("LOCALHOST", true)]
    [InlineData("localhost.", true)]
    [InlineData("api.internal.example.com", true)]
    [InlineData("a.b.internal.example.com", true)]
    [InlineData("internal.example.com", false)]
    [InlineData("evilinternal.example.com", false)]
    [InlineData("localhost.evil.com", false)]
    public void Refusal_AllowedHosts_MatchNameOrSuffix(string host, bool allowed)
    {
        var policy = Policy(new TargetNetworkOptions { AllowedHosts = ["localhost", "*.internal.example.com"] });

        var refusal = policy.Refusal(host, IPAddress.Loopback);

        Assert.Equal(allowed, refusal is null);
    }

    private static TargetAddressPolicy Policy(TargetNetworkOptions options) => new(Options.Create(options));
}
