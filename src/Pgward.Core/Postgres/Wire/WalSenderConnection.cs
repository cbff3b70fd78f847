using System.Buffers.Binary;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Pgward.Core.Postgres.Wire;

/// <summary>
/// A physical replication connection (<c>replication=true</c>) to the local server's Unix-domain socket, speaking the v3
/// protocol itself with blocking reads and writes. Why not Npgsql: every commit under the commit lease waits for one
/// round trip on this connection, and .NET's asynchronous socket engine hands each message from its epoll thread to a
/// pool thread and each write's completion to another (16-18 context switches per commit, BENCHMARKS.md). A
/// <see cref="Socket"/> used only with synchronous Receive and Send is a blocking system call on the caller's thread,
/// never registered with that engine. All methods but <see cref="Abort"/> belong to one thread at a time.
/// Authentication: trust and peer, cleartext password, md5, SCRAM-SHA-256; anything else throws
/// <see cref="UnsupportedAuthenticationException"/>. The password is asked for only when the server wants one, and never
/// appears in a message or exception.
/// </summary>
public sealed class WalSenderConnection : IDisposable
{
    private readonly Socket socket;
    private readonly BackendReader reader;
    private readonly byte[] status = new byte[FrontendMessages.StandbyStatusUpdateSize];
    private volatile bool aborted;

    public WalSenderConnection()
    {
        socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        reader = new BackendReader(Receive);
    }

    /// <summary>Whether <see cref="Abort"/> was called: the connection's errors from then on are its consequence.</summary>
    public bool Aborted => aborted;

    /// <summary>Connects and authenticates, within <see cref="WalSenderOptions.ConnectTimeout"/>.</summary>
    /// <exception cref="IOException">The socket failed (<see cref="ServerError"/> for the server's refusals,
    /// <see cref="WireAuthenticationException"/> for this side's).</exception>
    /// <exception cref="TimeoutException">No answer in time.</exception>
    /// <exception cref="UnsupportedAuthenticationException">The server asked for an authentication not spoken here.</exception>
    public void Open(WalSenderOptions options)
    {
        var deadline = options.Time.GetUtcNow() + options.ConnectTimeout;
        socket.SendTimeout = Milliseconds(options.ConnectTimeout);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(options.SocketPath));
        }
        catch (SocketException e)
        {
            throw new IOException($"could not connect to {options.SocketPath}: {e.Message}", e);
        }
        // An Abort before the connection existed shut nothing down: it ends the connection here instead.
        if (aborted)
        {
            throw new IOException("the connection was closed");
        }
        Authenticate(options, deadline);
    }

    /// <summary>IDENTIFY_SYSTEM: the server's timeline and its end of WAL (flushed, on a primary).</summary>
    public (uint Timeline, ulong XLogPos) IdentifySystem(TimeSpan timeout)
    {
        socket.ReceiveTimeout = Milliseconds(timeout);
        Send(FrontendMessages.Query("IDENTIFY_SYSTEM"));
        (uint, ulong)? row = null;
        while (true)
        {
            var (type, body) = reader.Next();
            switch (type)
            {
                case (byte)'D':
                    row = IdentifyRow(body.Span);
                    break;
                case (byte)'E':
                    throw ServerError.Parse(body.Span);
                case (byte)'Z':
                    return row ?? throw new IOException("IDENTIFY_SYSTEM returned no row");
                case (byte)'T' or (byte)'C' or (byte)'N' or (byte)'S':
                    break;
                default:
                    throw Unexpected(type, "IDENTIFY_SYSTEM");
            }
        }
    }

    /// <summary>START_REPLICATION PHYSICAL, without a slot; the stream is then read with <see cref="Next"/>.</summary>
    /// <param name="quiet">How long <see cref="Next"/> waits for a message before it returns a Quiet one.</param>
    public void StartReplication(ulong start, uint timeline, TimeSpan quiet)
    {
        Send(FrontendMessages.Query(string.Create(CultureInfo.InvariantCulture,
            $"START_REPLICATION PHYSICAL {start >> 32:X}/{(uint)start:X} TIMELINE {timeline}")));
        while (true)
        {
            var (type, body) = reader.Next();
            switch (type)
            {
                case (byte)'W':
                    socket.ReceiveTimeout = Milliseconds(quiet);
                    socket.SendTimeout = Milliseconds(quiet);
                    return;
                case (byte)'E':
                    throw ServerError.Parse(body.Span);
                case (byte)'N' or (byte)'S':
                    break;
                default:
                    throw Unexpected(type, "START_REPLICATION");
            }
        }
    }

    /// <summary>The next XLogData or keepalive of the stream (its WAL bytes skipped), or Quiet.</summary>
    public WalSenderMessage Next()
    {
        while (true)
        {
            (byte Type, ReadOnlyMemory<byte> Body) message;
            try
            {
                message = reader.Next();
            }
            catch (TimeoutException)
            {
                return new WalSenderMessage(WalSenderMessageKind.Quiet, 0, false);
            }
            var body = message.Body.Span;
            switch (message.Type)
            {
                case (byte)'d' when body.Length >= 25 && body[0] == (byte)'w':
                    return new WalSenderMessage(WalSenderMessageKind.XLogData, BinaryPrimitives.ReadUInt64BigEndian(body[9..]), false);
                case (byte)'d' when body.Length >= 18 && body[0] == (byte)'k':
                    return new WalSenderMessage(WalSenderMessageKind.Keepalive, BinaryPrimitives.ReadUInt64BigEndian(body[1..]), body[17] == 1);
                case (byte)'d':
                    throw new IOException($"the server sent an unknown replication message '{(body.Length > 0 ? (char)body[0] : ' ')}'");
                // A walsender that shuts down once its standby has everything ends the COPY with CommandComplete alone
                // (WalSndDone: "COPY 0", no CopyDone first).
                case (byte)'c' or (byte)'C':
                    throw new IOException("the server ended the replication stream");
                case (byte)'E':
                    throw ServerError.Parse(body);
                case (byte)'N' or (byte)'S':
                    break;
                default:
                    throw Unexpected(message.Type, "the replication stream");
            }
        }
    }

    /// <summary>Whether a whole message is already read from the socket: <see cref="Next"/> would return it without waiting.</summary>
    public bool HasBufferedMessage => reader.HasMessage;

    /// <summary>A standby status update. <paramref name="clock"/>: <see cref="FrontendMessages.PostgresClock"/>.</summary>
    public void SendStatus(ulong written, ulong flushed, ulong applied, long clock, bool replyRequested)
    {
        FrontendMessages.StandbyStatusUpdate(status, written, flushed, applied, clock, replyRequested);
        Send(status);
    }

    /// <summary>From any thread: shuts the socket down, so that a read or write blocked in it returns at once.</summary>
    public void Abort()
    {
        aborted = true;
        try
        {
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Not connected, or closed already: nothing blocks in it.
        }
    }

    public void Dispose() => socket.Dispose();

    private void Authenticate(WalSenderOptions options, DateTimeOffset deadline)
    {
        var parameters = new List<KeyValuePair<string, string>>
        {
            new("user", options.User),
            new("replication", "true"),
            new("application_name", options.ApplicationName),
        };
        if (options.Database is { } database)
        {
            parameters.Add(new("database", database));
        }
        if (options.ServerOptions is { } serverOptions)
        {
            parameters.Add(new("options", serverOptions));
        }
        Send(FrontendMessages.Startup(parameters));
        ScramSha256Client? scram = null;
        var scramDone = false;
        while (true)
        {
            var left = deadline - options.Time.GetUtcNow();
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"the server did not complete the connection within {options.ConnectTimeout.TotalSeconds:0.#} s");
            }
            socket.ReceiveTimeout = Milliseconds(left);
            var (type, memory) = reader.Next();
            var body = memory.Span;
            switch (type)
            {
                case (byte)'R':
                    var code = BinaryPrimitives.ReadInt32BigEndian(body);
                    switch (code)
                    {
                        case 0 when scram is not null && !scramDone:
                            throw new WireAuthenticationException("the server accepted the SCRAM exchange without proving it knows the password");
                        case 0:
                            break;
                        case 3:
                            Send(FrontendMessages.Password(PasswordFor(options, "cleartext")));
                            break;
                        case 5:
                            Send(FrontendMessages.Password(Md5Password.Response(options.User, PasswordFor(options, "md5"), body.Slice(4, 4))));
                            break;
                        case 10:
                            scram = StartScram(options, body[4..]);
                            break;
                        case 11 when scram is not null:
                            var serverFirst = Encoding.UTF8.GetString(body[4..]);
                            Send(FrontendMessages.SaslResponse(Scram(() => scram.ClientFinalMessage(serverFirst))));
                            break;
                        case 12 when scram is not null:
                            var serverFinal = Encoding.UTF8.GetString(body[4..]);
                            Scram(() =>
                            {
                                scram.VerifyServerFinal(serverFinal);
                                return "";
                            });
                            scramDone = true;
                            break;
                        case 11 or 12:
                            throw new WireAuthenticationException("the server continued a SASL exchange that was not started");
                        default:
                            throw new UnsupportedAuthenticationException(code);
                    }
                    break;
                case (byte)'E':
                    throw ServerError.Parse(body);
                case (byte)'Z':
                    return;
                case (byte)'S' or (byte)'K' or (byte)'N' or (byte)'v':
                    break;
                default:
                    throw Unexpected(type, "authentication");
            }
        }
    }

    private ScramSha256Client StartScram(WalSenderOptions options, ReadOnlySpan<byte> list)
    {
        var mechanisms = Encoding.UTF8.GetString(list).Split('\0', StringSplitOptions.RemoveEmptyEntries);
        if (!mechanisms.Contains(ScramSha256Client.Mechanism))
        {
            // Only -PLUS (channel binding) would be left, which needs TLS: Npgsql connects then.
            throw new UnsupportedAuthenticationException(10);
        }
        var scram = new ScramSha256Client(user: "", PasswordFor(options, "SCRAM-SHA-256"), ScramSha256Client.NewNonce());
        Send(FrontendMessages.SaslInitialResponse(ScramSha256Client.Mechanism, scram.ClientFirstMessage));
        return scram;
    }

    private static string Scram(Func<string> step)
    {
        try
        {
            return step();
        }
        catch (ScramException e)
        {
            throw new WireAuthenticationException(e.Message);
        }
    }

    private static string PasswordFor(WalSenderOptions options, string method) =>
        options.Password() is { Length: > 0 } password
            ? password
            : throw new WireAuthenticationException($"No password has been provided but the backend requires one (in {method})");

    private static (uint, ulong) IdentifyRow(ReadOnlySpan<byte> row)
    {
        // systemid, timeline, xlogpos, dbname: each a length (-1 for null) and text.
        var columns = BinaryPrimitives.ReadInt16BigEndian(row);
        row = row[2..];
        var values = new string?[columns];
        for (var i = 0; i < columns; i++)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(row);
            row = row[4..];
            if (length >= 0)
            {
                values[i] = Encoding.UTF8.GetString(row[..length]);
                row = row[length..];
            }
        }
        if (columns < 3 || !uint.TryParse(values[1], NumberStyles.None, CultureInfo.InvariantCulture, out var timeline) || values[2] is not { } position
            || position.Split('/') is not [var high, var low]
            || !uint.TryParse(high, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var h)
            || !uint.TryParse(low, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var l))
        {
            throw new IOException("IDENTIFY_SYSTEM returned a row that is not a timeline and a WAL position");
        }
        return (timeline, (ulong)h << 32 | l);
    }

    private int Receive(Memory<byte> destination)
    {
        try
        {
            return socket.Receive(destination.Span);
        }
        catch (Exception e) when (Translated(e, "the server sent nothing in time") is { } translated)
        {
            throw translated;
        }
    }

    private void Send(ReadOnlySpan<byte> message)
    {
        try
        {
            while (message.Length > 0)
            {
                message = message[socket.Send(message)..];
            }
        }
        catch (Exception e) when (Translated(e, "the server took nothing in time") is { } translated)
        {
            throw translated;
        }
    }

    /// <summary>A socket call's failure as the lease reads it: a timeout (<paramref name="timedOut"/>), or the connection
    /// gone (<see cref="IOException"/>); null for anything else, which goes up as it is.</summary>
    private static Exception? Translated(Exception e, string timedOut) => e switch
    {
        SocketException { SocketErrorCode: SocketError.TimedOut or SocketError.WouldBlock } => new TimeoutException(timedOut, e),
        SocketException => new IOException(e.Message, e),
        ObjectDisposedException => new IOException("the connection was closed", e),
        _ => null,
    };

    private static IOException Unexpected(byte type, string during) =>
        new($"the server sent an unexpected message '{(char)type}' during {during}");

    private static int Milliseconds(TimeSpan timeout) => (int)Math.Clamp(Math.Ceiling(timeout.TotalMilliseconds), 1, int.MaxValue);
}
