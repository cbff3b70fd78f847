using System.Buffers.Binary;

namespace Pgward.Core.Postgres.Wire;

/// <summary>
/// Cuts the server's byte stream into messages: a type byte, a big-endian length counting itself, the body. Reads
/// through <c>receive</c> (a blocking socket's <c>Receive</c>, which returns 0 at the end of the stream) into one buffer
/// that grows to the largest message; a message's body stays valid until the next <see cref="Next"/>.
/// </summary>
public sealed class BackendReader(Func<Memory<byte>, int> receive)
{
    /// <summary>Larger than any message PostgreSQL sends a replication client but the WAL itself (1 GiB): a length past it
    /// is a broken stream, not a message to allocate for.</summary>
    private const int LargestMessage = 64 * 1024 * 1024;

    private byte[] buffer = new byte[256 * 1024];
    private int start;
    private int end;

    /// <summary>The next message's type and body.</summary>
    /// <exception cref="IOException">The stream ended, or a length is impossible.</exception>
    public (byte Type, ReadOnlyMemory<byte> Body) Next()
    {
        Fill(5);
        var type = buffer[start];
        var length = BinaryPrimitives.ReadInt32BigEndian(buffer.AsSpan(start + 1));
        if (length < 4 || length > LargestMessage)
        {
            throw new IOException($"the server sent a message of impossible length {length} (type '{(char)type}')");
        }
        Fill(1 + length);
        var body = new ReadOnlyMemory<byte>(buffer, start + 5, length - 4);
        start += 1 + length;
        return (type, body);
    }

    /// <summary>Whether a whole message is already buffered, so that <see cref="Next"/> will not block.</summary>
    public bool HasMessage =>
        end - start >= 5 && end - start >= 1 + BinaryPrimitives.ReadInt32BigEndian(buffer.AsSpan(start + 1));

    private void Fill(int needed)
    {
        if (end - start >= needed)
        {
            return;
        }
        if (start == end)
        {
            start = end = 0;
        }
        if (start + needed > buffer.Length)
        {
            // Moves what is left to the front, growing the buffer when one message needs more.
            var target = needed > buffer.Length ? new byte[Math.Max(needed, buffer.Length * 2)] : buffer;
            Array.Copy(buffer, start, target, 0, end - start);
            buffer = target;
            end -= start;
            start = 0;
        }
        while (end - start < needed)
        {
            var read = receive(buffer.AsMemory(end));
            if (read <= 0)
            {
                throw new IOException("the server closed the connection");
            }
            end += read;
        }
    }
}
