using System.Net;
using System.Net.Sockets;

namespace MeshInterop.Testing.Ports;

/// <summary>
/// Loopback ports for servers whose peers must know the address before the server starts (so port 0 cannot be used).
/// Ports come from below the operating systems' ephemeral ranges (Linux 32768+, Windows and macOS 49152+): the
/// kernel never hands those out to outgoing connections or to other tests' port-0 listeners, which is what used to
/// take a reserved port in the moment between its release and the server's bind when test assemblies run in parallel.
/// </summary>
internal static class LoopbackPorts
{
    private const int First = 20000;
    private const int Last = 32000;

    /// <summary>Returns <paramref name="count"/> distinct ports that were free when checked.</summary>
    public static int[] Reserve(int count)
    {
        var held = new List<TcpListener>();
        try
        {
            for (var attempt = 0; held.Count < count; attempt++)
            {
                if (attempt > 1000)
                {
                    throw new InvalidOperationException($"No {count} free loopback ports between {First} and {Last}.");
                }

                var listener = new TcpListener(IPAddress.Loopback, Random.Shared.Next(First, Last));
                try
                {
                    listener.Start();
                    held.Add(listener);
                }
                catch (SocketException)
                {
                    listener.Dispose();
                }
            }

            return [.. held.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            // Held until all are chosen, so one call never returns the same port twice.
            foreach (var listener in held)
            {
                listener.Stop();
                listener.Dispose();
            }
        }
    }
}
