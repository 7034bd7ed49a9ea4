using System.Net;
using System.Net.Sockets;

namespace TaskOrchestrator.Testing;

/// <summary>Finds loopback ports nothing listens on.</summary>
/// <remarks>
/// Only below Linux's ephemeral range (32768 and up): a port found free there can be taken by any outgoing
/// connection (to Azurite, to a target) before the server binds it.
/// </remarks>
public static class FreePorts
{
    private const int First = 20000;
    private const int Last = 32767;
    private static int _next = First + (Environment.ProcessId % 120) * 100;

    /// <summary>A run of <paramref name="count"/> consecutive free ports on 127.0.0.1.</summary>
    public static int Consecutive(int count)
    {
        for (var attempt = 0; attempt < 500; attempt++)
        {
            var first = Interlocked.Add(ref _next, count + 1) - count - 1;
            if (first + count > Last)
            {
                Interlocked.Exchange(ref _next, First);
                continue;
            }

            if (Enumerable.Range(first, count).All(IsFree))
            {
                return first;
            }
        }

        throw new InvalidOperationException($"No {count} consecutive free ports found.");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
