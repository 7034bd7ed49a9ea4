using System.Net;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TaskOrchestrator.Server.Dashboard;

namespace TaskOrchestrator.Server.Tests.Dashboard;

/// <summary>The per-client count of failed dashboard logins, on a fake clock.</summary>
public sealed class DashboardLoginThrottleTests
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-12-03T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly DashboardLoginThrottle _throttle;

    public DashboardLoginThrottleTests() =>
        _throttle = new DashboardLoginThrottle(Options.Create(new DashboardAccessOptions { MaxFailedLogins = 3, FailedLoginWindow = Window }), _time);

    [Fact]
    public void BlockedFor_AfterMaxFailures_LastsUntilTheWindowFromTheFirstFailureEnds()
    {
        var client = IPAddress.Parse("203.0.113.7");
        _throttle.Failed(client);
        _time.Advance(TimeSpan.FromMinutes(1));
        _throttle.Failed(client);
        Assert.Null(_throttle.BlockedFor(client));

        _throttle.Failed(client);

        Assert.Equal(TimeSpan.FromMinutes(4), _throttle.BlockedFor(client));
        Assert.Null(_throttle.BlockedFor(IPAddress.Parse("203.0.113.8")));
        _time.Advance(TimeSpan.FromMinutes(4));
        Assert.Null(_throttle.BlockedFor(client));
    }

    [Fact]
    public void Succeeded_ForgetsTheClientsFailures()
    {
        var client = IPAddress.Parse("203.0.113.7");
        _throttle.Failed(client);
        _throttle.Failed(client);
        _throttle.Succeeded(client);
        _throttle.Failed(client);
        _throttle.Failed(client);

        Assert.Null(_throttle.BlockedFor(client));
        Assert.Equal(1, _throttle.TrackedClients);
    }

    [Fact]
    public void Failed_InOneIPv6Slash64_SharesOneCount()
    {
        _throttle.Failed(IPAddress.Parse("2001:db8:0:7::1"));
        _throttle.Failed(IPAddress.Parse("2001:db8:0:7::2"));
        _throttle.Failed(IPAddress.Parse("2001:db8:0:7:abcd::3"));

        Assert.NotNull(_throttle.BlockedFor(IPAddress.Parse("2001:db8:0:7:ffff:ffff:ffff:ffff")));
        Assert.Null(_throttle.BlockedFor(IPAddress.Parse("2001:db8:0:8::1")));
    }

    [Fact]
    public void Failed_IPv4MappedToIPv6_CountsAsTheIPv4Address()
    {
        var client = IPAddress.Parse("198.51.100.4");
        _throttle.Failed(client.MapToIPv6());
        _throttle.Failed(client);
        _throttle.Failed(client.MapToIPv6());

        Assert.NotNull(_throttle.BlockedFor(client));
    }

    [Fact]
    public void Failed_FromMoreClientsThanTracked_StaysBoundedAndThrottlesTheRestTogether()
    {
        for (var i = 0; i < DashboardLoginThrottle.MaxTrackedClients + 5; i++)
        {
            _throttle.Failed(Address(i));
        }

        Assert.InRange(_throttle.TrackedClients, 1, DashboardLoginThrottle.MaxTrackedClients + 1);

        // The clients beyond the table share one count, which five failures have used up; tracked ones keep their own.
        Assert.NotNull(_throttle.BlockedFor(Address(DashboardLoginThrottle.MaxTrackedClients + 100)));
        Assert.Null(_throttle.BlockedFor(Address(0)));

        // Once their windows are over, the old entries make room again.
        _time.Advance(Window);
        _throttle.Failed(Address(DashboardLoginThrottle.MaxTrackedClients + 100));
        Assert.Equal(1, _throttle.TrackedClients);
        Assert.Null(_throttle.BlockedFor(Address(DashboardLoginThrottle.MaxTrackedClients + 101)));
    }

    private static IPAddress Address(int i) => new([10, (byte)(i >> 16), (byte)(i >> 8), (byte)i]);
}
