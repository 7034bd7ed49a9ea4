using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace TaskOrchestrator.Network;

/// <summary>
/// The delivery client's connection logic: every new connection resolves the target's host itself and connects only to an
/// address the <see cref="TargetAddressPolicy"/> allows, so a name that resolves (or re-resolves, as in DNS rebinding) to
/// a blocked address is refused at the moment of connecting, not merely when the task was created.
/// </summary>
/// <remarks>
/// What a refused host name resolved to is logged (a warning) for the operator, never told to the task's owner: a
/// tenant could otherwise map the service's internal names to their addresses one task at a time.
/// </remarks>
public sealed partial class TargetConnector(TargetAddressPolicy policy, ILogger<TargetConnector> logger)
{
    /// <summary>
    /// The primary handler of the delivery client. Redirects are not followed: a 3xx answer is the attempt's outcome, so a
    /// target cannot bounce the call to an address it could not have been given. No proxy is used: a proxy connects on our
    /// behalf, and the policy would only ever see the proxy's address.
    /// </summary>
    public SocketsHttpHandler CreateHandler() => new()
    {
        AllowAutoRedirect = false,
        UseProxy = false,

        // Tasks of every owner share this handler: a cookie one target sets must never reach another's call.
        UseCookies = false,

        // New connections (and with them fresh DNS answers, each checked) at least every two minutes.
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        ConnectCallback = (context, cancellationToken) => ConnectAsync(context.DnsEndPoint, cancellationToken),
    };

    /// <summary>Resolves <paramref name="endPoint"/> and connects to the first allowed address that accepts; throws <see cref="BlockedTargetException"/> when none is allowed.</summary>
    public async ValueTask<Stream> ConnectAsync(DnsEndPoint endPoint, CancellationToken cancellationToken)
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
            if (literal is null && refused.Count > 0)
            {
                LogRefused(logger, host, string.Join("; ", refused.Select(r => $"{r.Address}, {r.Kind}")));
            }

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
    /// Why the connection is refused, as the task's owner sees it. A literal address is named with its kind ("Refused to
    /// connect to 127.0.0.1: it is a loopback address, which the network policy blocks (allow it under
    /// TaskOrchestrator:Delivery:Network)"): the owner wrote it. A host name is not followed by what it resolved to
    /// ("Refused to connect to db.internal: it resolves to no address the network policy allows (allow it under
    /// TaskOrchestrator:Delivery:Network)"); the connector logs that instead.
    /// </summary>
    public static string RefusalMessage(string host, bool isLiteral, IReadOnlyList<(IPAddress Address, string Kind)> refused)
    {
        const string Allow = $"(allow it under {TargetNetworkOptions.SectionName})";
        if (refused.Count == 0)
        {
            return $"Refused to connect to {host}: it resolves to no address.";
        }

        return isLiteral
            ? $"Refused to connect to {host}: it is {refused[0].Kind}, which the network policy blocks {Allow}."
            : $"Refused to connect to {host}: it resolves to no address the network policy allows {Allow}.";
    }

    [LoggerMessage(EventId = 1200, Level = LogLevel.Warning,
        Message = "Refused to connect to {Host}: every address it resolves to is blocked by the network policy ({Addresses})")]
    private static partial void LogRefused(ILogger logger, string host, string addresses);
}
