using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Npgsql.Replication;

namespace Pgward.Agent.Failover;

/// <summary>
/// What the commit lease's own thread (<see cref="CommitLeaseThread"/>) needs of a replication connection over the
/// server's Unix-domain socket that Npgsql's API does not show: the socket, to wait in poll(2) for the next WAL message,
/// and how many bytes Npgsql has read ahead, so that it never waits for what it already has. Why: Npgsql's replication
/// API is asynchronous only; each message woke the socket engine's epoll thread, which handed the read to a thread-pool
/// worker, 17-18 context switches in the agent per commit with one client (BENCHMARKS.md, issue 17, late afternoon).
/// Read once data is there, each read completes at once on the waiting thread. Both are Npgsql's internals, reached
/// through <see cref="UnsafeAccessorAttribute"/> (NativeAOT-safe): a Npgsql that renamed them makes <see cref="TryAttach"/>
/// return null, and the lease reads as before. Never for TCP with TLS, whose stream buffers decrypted bytes of its own.
/// </summary>
internal sealed class CommitLeaseSocket
{
    // By name, not type: NpgsqlConnector is marked for evaluation only (NPG9001), NpgsqlReadBuffer is internal.
    private const string ConnectorType = "Npgsql.Internal.NpgsqlConnector, Npgsql";
    private const string ReadBufferType = "Npgsql.Internal.NpgsqlReadBuffer, Npgsql";

    private readonly object readBuffer;
    private readonly Socket socket;

    private CommitLeaseSocket(object readBuffer, Socket socket)
    {
        this.readBuffer = readBuffer;
        this.socket = socket;
    }

    /// <summary>The connection's socket and read buffer, once it is open; null when this Npgsql has neither by those names.</summary>
    public static CommitLeaseSocket? TryAttach(ReplicationConnection connection)
    {
        try
        {
            var connector = ConnectorOf(connection);
            var attached = new CommitLeaseSocket(ReadBufferOf(connector), SocketOf(connector));
            _ = attached.Buffered; // the last accessor, tried now rather than on the first message
            return attached;
        }
        catch (Exception e) when (e is MissingMemberException or NullReferenceException or InvalidCastException)
        {
            return null;
        }
    }

    /// <summary>Bytes read from the socket that Npgsql has not handed out yet (a message's unread WAL included).</summary>
    public int Buffered => ReadBytesLeft(readBuffer);

    /// <summary>Waits until the socket has data (or its end, or an error) for at most <paramref name="longest"/>.</summary>
    public bool WaitReadable(TimeSpan longest) => socket.Poll(longest, SelectMode.SelectRead);

    /// <summary>Ends the session from this side, so that a thread waiting in <see cref="WaitReadable"/> returns at once
    /// and its next read fails: how the lease's end reaches that thread.</summary>
    public void Shut()
    {
        try
        {
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already closed: nothing waits on it.
        }
    }

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "get_Connector")]
    [return: UnsafeAccessorType(ConnectorType)]
    private static extern object ConnectorOf(ReplicationConnection connection);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_socket")]
    private static extern ref Socket SocketOf([UnsafeAccessorType(ConnectorType)] object connector);

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "get_ReadBuffer")]
    [return: UnsafeAccessorType(ReadBufferType)]
    private static extern object ReadBufferOf([UnsafeAccessorType(ConnectorType)] object connector);

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "get_ReadBytesLeft")]
    private static extern int ReadBytesLeft([UnsafeAccessorType(ReadBufferType)] object buffer);
}
