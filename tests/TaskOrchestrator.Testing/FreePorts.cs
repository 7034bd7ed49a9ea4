using System.Net;
using System.Net.Sockets;

namespace TaskOrchestrator.Testing;

/// <summary>Finds loopback ports nothing listens on.</summary>
public static class FreePorts
{
    private static int _next = 20000 + (Environment.ProcessId % 200) * 100;

    /// <summary>A run of <paramref name="count"/> consecutive free ports on 127.0.0.1.</summary>
    public static int Consecutive(int count)
    {
        for (var attempt = 0; attempt < 500; attempt++)
        {
            var first = Interlocked.Add(ref _next, count + 1) - count - 1;
            if (first + count >= 60000)
            {
                Interlocked.Exchange(ref _next, 20000);
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
