using System.Net;
using System.Net.Sockets;

namespace Pgward.Testing.Network;

/// <summary>
/// A door from the test process into a test network: listens on 127.0.0.1 and connects each accepted connection to
/// <see cref="Target"/> from inside a host's namespace (the client's), so the test sees the network as that host
/// does, faults included. When the target cannot be reached, the accepted connection is closed at once.
/// </summary>
public sealed class NamespaceForwarder : IAsyncDisposable
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(2);
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stop = new();
    private readonly string fromNamespace;
    private readonly Task acceptLoop;

    public NamespaceForwarder(string fromNamespace, IPEndPoint target)
    {
        this.fromNamespace = fromNamespace;
        Target = target;
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        acceptLoop = Task.Run(AcceptAsync);
    }

    public IPEndPoint Target { get; }

    /// <summary>The local port on 127.0.0.1 that leads to <see cref="Target"/>.</summary>
    public int Port { get; }

    private async Task AcceptAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            Socket accepted;
            try
            {
                accepted = await listener.AcceptSocketAsync(stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = Task.Run(() => RelayAsync(accepted));
        }
    }

    private async Task RelayAsync(Socket accepted)
    {
        using var inbound = accepted;
        using var outbound = NetworkNamespace.CreateSocket(fromNamespace);
        try
        {
            using (var connect = CancellationTokenSource.CreateLinkedTokenSource(stop.Token))
            {
                connect.CancelAfter(ConnectTimeout);
                await outbound.ConnectAsync(Target, connect.Token);
            }
            using var done = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
            await Task.WhenAny(PumpAsync(inbound, outbound, done.Token), PumpAsync(outbound, inbound, done.Token));
            await done.CancelAsync();
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Unreachable target or a broken link: closing both ends is what the client should see.
        }
    }

    private static async Task PumpAsync(Socket from, Socket to, CancellationToken ct)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, ct);
                if (read == 0)
                {
                    return;
                }
                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, ct);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Stop();
        await acceptLoop;
        stop.Dispose();
    }
}
