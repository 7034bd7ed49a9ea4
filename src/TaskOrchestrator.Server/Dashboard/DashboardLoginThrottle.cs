using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace TaskOrchestrator.Server.Dashboard;

/// <summary>
/// Failed dashboard logins per client address (<see cref="DashboardAccessOptions.MaxFailedLogins"/> within
/// <see cref="DashboardAccessOptions.FailedLoginWindow"/>). An IPv6 client is its /64 network, since one host commonly
/// holds all of it. At most <see cref="MaxTrackedClients"/> clients are tracked: when that many have failed within
/// their windows, further clients share one count, so a client spraying addresses neither grows memory nor escapes the limit.
/// The address is the connection's: behind a proxy every client shares the proxy's count.
/// </summary>
internal sealed class DashboardLoginThrottle(IOptions<DashboardAccessOptions> options, TimeProvider time)
{
    /// <summary>Most client addresses tracked at once.</summary>
    public const int MaxTrackedClients = 10_000;

    // The shared count of clients beyond MaxTrackedClients.
    private const string Overflow = "overflow";

    private readonly DashboardAccessOptions _options = options.Value;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Window> _failures = new(StringComparer.Ordinal);

    /// <summary>How many clients are tracked now.</summary>
    public int TrackedClients
    {
        get
        {
            lock (_lock)
            {
                return _failures.Count;
            }
        }
    }

    /// <summary>How long <paramref name="client"/> must wait before its next attempt is checked; null when it may try now.</summary>
    public TimeSpan? BlockedFor(IPAddress? client)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            var key = Key(client);
            if (!_failures.TryGetValue(key, out var window) && !(_failures.Count >= MaxTrackedClients && _failures.TryGetValue(Overflow, out window)))
            {
                return null;
            }

            var ends = window.Start + _options.FailedLoginWindow;
            return window.Failures >= _options.MaxFailedLogins && ends > now ? ends - now : null;
        }
    }

    /// <summary>Counts a failed login of <paramref name="client"/>.</summary>
    public void Failed(IPAddress? client)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            var key = Key(client);
            if (!_failures.ContainsKey(key) && _failures.Count >= MaxTrackedClients)
            {
                RemoveExpired(now);
                key = _failures.Count >= MaxTrackedClients ? Overflow : key;
            }

            var window = _failures.TryGetValue(key, out var current) && current.Start + _options.FailedLoginWindow > now ? current : new Window(now, 0);
            _failures[key] = window with { Failures = window.Failures + 1 };
        }
    }

    /// <summary>A successful login: <paramref name="client"/>'s failures are forgotten.</summary>
    public void Succeeded(IPAddress? client)
    {
        lock (_lock)
        {
            _failures.Remove(Key(client));
        }
    }

    private void RemoveExpired(DateTimeOffset now)
    {
        foreach (var (key, window) in _failures)
        {
            if (window.Start + _options.FailedLoginWindow <= now)
            {
                _failures.Remove(key);
            }
        }
    }

    private static string Key(IPAddress? client)
    {
        if (client is null)
        {
            return "unknown";
        }

        if (client.IsIPv4MappedToIPv6)
        {
            client = client.MapToIPv4();
        }

        if (client.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return client.ToString();
        }

        var bytes = client.GetAddressBytes();
        return $"{Convert.ToHexString(bytes, 0, 8)}/64";
    }

    private readonly record struct Window(DateTimeOffset Start, int Failures);
}
