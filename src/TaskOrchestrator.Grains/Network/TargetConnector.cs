using System.Net;
using System.Net.Sockets;

namespace TaskOrchestrator.Network;

/// <summary>
/// The delivery client's connection logic: every new connection resolves the target's host itself and connects only to an
/// address the <see cref="TargetAddressPolicy"/> allows, so a name that resolves (or re-resolves, as in DNS rebinding) to
/// a blocked address is refused at the moment of connecting, not merely when the task was created.
/// </summary>
public static class TargetConnector
{
    /// <summary>
    /// The primary handler of the delivery client. Redirects are not followed: a 3xx answer is the attempt's outcome, so a
    /// target cannot bounce the call to an address it could not have been given. No proxy is used: a proxy connects on our
    /// behalf, and the policy would only ever see the proxy's address.
    /// </summary>
    public static SocketsHttpHandler CreateHandler(TargetAddressPolicy policy) => new()
    {
        AllowAutoRedirect = false,
        UseProxy = false,

        // Tasks of every owner share this handler: a cookie one target sets must never reach another's call.
        UseCookies = false,

        // New connections (and with them fresh DNS answers, each checked) at least every two minutes.
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        ConnectCallback = (context, cancellationToken) => ConnectAsync(policy, context.DnsEndPoint, cancellationToken),
    };

    /// <summary>Resolves <paramref name="endPoint"/> and connects to the first allowed address that accepts; throws <see cref="BlockedTargetException"/> when none is allowed.</summary>
    public static async ValueTask<Stream> ConnectAsync(TargetAddressPolicy policy, DnsEndPoint endPoint, CancellationToken cancellationToken)
    {
        var host = endPoint.Host.Trim('[', ']');
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);

        var allowed = new List<IPAddress>(addresses.Length);
        var refused = new List<(IPAddress Address, string Kind)>();
        foreach (var address in addresses)
        {
            if (policy.Refusal(host, address) is { } kind)
            {
                refused.Add((address, kind));
            }
            else
            {
                allowed.Add(address);
            }
        }

        if (allowed.Count == 0)
        {
            throw new BlockedTargetException(RefusalMessage(host, literal is not null, refused));
        }

        SocketException? last = null;
        foreach (var address in allowed)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, endPoint.Port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw last!;
    }

    /// <summary>
    /// "Refused to connect to localhost: it resolves to 127.0.0.1, a loopback address, which the network policy blocks
    /// (allow it under TaskOrchestrator:Delivery:Network)".
    /// </summary>
    public static string RefusalMessage(string host, bool isLiteral, IReadOnlyList<(IPAddress Address, string Kind)> refused)
    {
        const string Allow = $"which the network policy blocks (allow it under {TargetNetworkOptions.SectionName})";
        if (refused.Count == 0)
        {
            return $"Refused to connect to {host}: it resolves to no address.";
        }

        if (isLiteral)
        {
            return $"Refused to connect to {host}: it is {refused[0].Kind}, {Allow}.";
        }

        if (refused.Count == 1)
        {
            return $"Refused to connect to {host}: it resolves to {refused[0].Address}, {refused[0].Kind}, {Allow}.";
        }

        var listed = string.Join("; ", refused.Take(4).Select(r => $"{r.Address}, {r.Kind}"));
        return $"Refused to connect to {host}: it resolves only to blocked addresses ({listed}{(refused.Count > 4 ? "; …" : "")}), {Allow}.";
    }
}
