using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Pgward.Testing;

/// <summary>Hands out free TCP ports on 127.0.0.1, never the same one twice in a test run.</summary>
public static class FreePort
{
    private static readonly ConcurrentDictionary<int, byte> Given = new();

    /// <summary>A port the kernel just reported free. Another process may still take it before the server binds
    /// it; <see cref="PgServer.StartAsync"/> retries on "address already in use".</summary>
    public static int Next()
    {
        while (true)
        {
            using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var port = ((IPEndPoint)listener.LocalEndPoint!).Port;
            if (Given.TryAdd(port, 0))
            {
                return port;
            }
        }
    }
}
