using System.Buffers.Binary;
using System.Text;

namespace Pgward.Core.Postgres.Wire;

/// <summary>The messages a client sends, in the PostgreSQL v3 protocol's framing: a type byte (none for the startup
/// message), a big-endian length that counts itself but not the type, the body.</summary>
public static class FrontendMessages
{
    private const int ProtocolVersion3 = 196608;

    /// <summary>The size of <see cref="StandbyStatusUpdate"/>.</summary>
    public const int StandbyStatusUpdateSize = 39;

    /// <summary>The startup message: protocol 3.0 and <paramref name="parameters"/> (user, replication, ...).</summary>
    public static byte[] Startup(IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var body = new List<byte>();
        foreach (var (name, value) in parameters)
        {
            CString(body, name);
            CString(body, value);
        }
        body.Add(0);
        var message = new byte[8 + body.Count];
        BinaryPrimitives.WriteInt32BigEndian(message, message.Length);
        BinaryPrimitives.WriteInt32BigEndian(message.AsSpan(4), ProtocolVersion3);
        body.CopyTo(message, 8);
        return message;
    }

    /// <summary>A password message ('p'): cleartext or md5, a C string.</summary>
    public static byte[] Password(string password)
    {
        var body = new List<byte>();
        CString(body, password);
        return Framed((byte)'p', body.ToArray());
    }

    /// <summary>SASLInitialResponse ('p'): the mechanism and the client-first message.</summary>
    public static byte[] SaslInitialResponse(string mechanism, string clientFirst)
    {
        var data = Encoding.UTF8.GetBytes(clientFirst);
        var body = new List<byte>();
        CString(body, mechanism);
        var length = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        body.AddRange(length);
        body.AddRange(data);
        return Framed((byte)'p', body.ToArray());
    }

    /// <summary>SASLResponse ('p'): the client-final message.</summary>
    public static byte[] SaslResponse(string clientFinal) => Framed((byte)'p', Encoding.UTF8.GetBytes(clientFinal));

    /// <summary>A simple query ('Q'); replication commands go this way.</summary>
    public static byte[] Query(string sql)
    {
        var body = new List<byte>();
        CString(body, sql);
        return Framed((byte)'Q', body.ToArray());
    }

    /// <summary>
    /// A standby status update ('r' in CopyData) into <paramref name="destination"/> (<see cref="StandbyStatusUpdateSize"/>
    /// bytes): the positions written, flushed and applied, the client's clock in microseconds since 2000-01-01 UTC, and
    /// whether the server should answer at once.
    /// </summary>
    public static void StandbyStatusUpdate(Span<byte> destination, ulong written, ulong flushed, ulong applied, long clock, bool replyRequested)
    {
        destination[0] = (byte)'d';
        BinaryPrimitives.WriteInt32BigEndian(destination[1..], StandbyStatusUpdateSize - 1);
        destination[5] = (byte)'r';
        BinaryPrimitives.WriteUInt64BigEndian(destination[6..], written);
        BinaryPrimitives.WriteUInt64BigEndian(destination[14..], flushed);
        BinaryPrimitives.WriteUInt64BigEndian(destination[22..], applied);
        BinaryPrimitives.WriteInt64BigEndian(destination[30..], clock);
        destination[38] = replyRequested ? (byte)1 : (byte)0;
    }

    /// <summary>Microseconds since PostgreSQL's epoch, 2000-01-01 UTC.</summary>
    public static long PostgresClock(DateTimeOffset now) =>
        (now - new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero)).Ticks / TimeSpan.TicksPerMicrosecond;

    private static byte[] Framed(byte type, byte[] body)
    {
        var message = new byte[5 + body.Length];
        message[0] = type;
        BinaryPrimitives.WriteInt32BigEndian(message.AsSpan(1), 4 + body.Length);
        body.CopyTo(message, 5);
        return message;
    }

    private static void CString(List<byte> body, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        if (Array.IndexOf(bytes, (byte)0) >= 0)
        {
            throw new ArgumentException("a protocol string cannot hold a NUL byte", nameof(value));
        }
        body.AddRange(bytes);
        body.Add(0);
    }
}
