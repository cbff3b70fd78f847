using System.Buffers.Binary;
using System.Text;
using Pgward.Core.Postgres.Wire;
using Xunit;

namespace Pgward.UnitTests.Postgres.Wire;

public sealed class WireFramingTests
{
    [Fact]
    public void Startup_message_is_length_protocol_3_and_nul_terminated_pairs()
    {
        var message = FrontendMessages.Startup([new("user", "pgward"), new("replication", "true")]);

        Assert.Equal(message.Length, BinaryPrimitives.ReadInt32BigEndian(message));
        Assert.Equal(196608, BinaryPrimitives.ReadInt32BigEndian(message.AsSpan(4)));
        Assert.Equal("user\0pgward\0replication\0true\0\0", Encoding.UTF8.GetString(message, 8, message.Length - 8));
    }

    [Fact]
    public void Standby_status_update_is_copy_data_r_with_three_positions_clock_and_reply_flag()
    {
        var message = new byte[FrontendMessages.StandbyStatusUpdateSize];

        FrontendMessages.StandbyStatusUpdate(message, 0x1_0000_0010, 0x1_0000_0020, 0x1_0000_0030, 42, replyRequested: true);

        Assert.Equal((byte)'d', message[0]);
        Assert.Equal(38, BinaryPrimitives.ReadInt32BigEndian(message.AsSpan(1)));
        Assert.Equal((byte)'r', message[5]);
        Assert.Equal(0x1_0000_0010UL, BinaryPrimitives.ReadUInt64BigEndian(message.AsSpan(6)));
        Assert.Equal(0x1_0000_0020UL, BinaryPrimitives.ReadUInt64BigEndian(message.AsSpan(14)));
        Assert.Equal(0x1_0000_0030UL, BinaryPrimitives.ReadUInt64BigEndian(message.AsSpan(22)));
        Assert.Equal(42, BinaryPrimitives.ReadInt64BigEndian(message.AsSpan(30)));
        Assert.Equal(1, message[38]);
    }

    [Fact]
    public void Postgres_clock_counts_microseconds_from_2000()
    {
        Assert.Equal(1_500_000, FrontendMessages.PostgresClock(new DateTimeOffset(2000, 1, 1, 0, 0, 1, 500, TimeSpan.Zero)));
    }

    [Fact]
    public void SASL_initial_response_carries_mechanism_and_length_prefixed_message()
    {
        var message = FrontendMessages.SaslInitialResponse("SCRAM-SHA-256", "n,,n=,r=abc");

        Assert.Equal((byte)'p', message[0]);
        Assert.Equal(message.Length - 1, BinaryPrimitives.ReadInt32BigEndian(message.AsSpan(1)));
        Assert.Equal("SCRAM-SHA-256\0", Encoding.UTF8.GetString(message, 5, 14));
        Assert.Equal(11, BinaryPrimitives.ReadInt32BigEndian(message.AsSpan(19)));
        Assert.Equal("n,,n=,r=abc", Encoding.UTF8.GetString(message, 23, 11));
    }

    [Fact]
    public void Reader_cuts_messages_that_arrive_a_byte_at_a_time_or_many_at_once()
    {
        var stream = Concat(Backend((byte)'R', [0, 0, 0, 0]), Backend((byte)'S', Encoding.UTF8.GetBytes("a\0b\0")), Backend((byte)'Z', [(byte)'I']));
        foreach (var chunk in new[] { 1, 3, stream.Length })
        {
            var reader = new BackendReader(Chunks(stream, chunk));

            Assert.Equal((byte)'R', reader.Next().Type);
            var parameter = reader.Next();
            Assert.Equal((byte)'S', parameter.Type);
            Assert.Equal("a\0b\0", Encoding.UTF8.GetString(parameter.Body.Span));
            var ready = reader.Next();
            Assert.Equal((byte)'Z', ready.Type);
            Assert.Equal((byte)'I', ready.Body.Span[0]);
            Assert.Throws<IOException>(() => reader.Next());
        }
    }

    [Fact]
    public void Reader_grows_for_a_message_larger_than_its_buffer_and_knows_what_is_buffered()
    {
        var large = new byte[600 * 1024];
        large[^1] = 7;
        var stream = Concat(Backend((byte)'d', large), Backend((byte)'d', [1, 2]));
        var reader = new BackendReader(Chunks(stream, 100_000));

        var first = reader.Next();
        Assert.Equal(large.Length, first.Body.Length);
        Assert.Equal(7, first.Body.Span[^1]);
        Assert.Equal(2, reader.Next().Body.Length);
    }

    [Fact]
    public void Reader_knows_whether_a_whole_message_is_buffered()
    {
        var stream = Concat(Backend((byte)'d', [1]), Backend((byte)'d', [2, 3]), Backend((byte)'d', [4]));
        var reader = new BackendReader(Chunks(stream, stream.Length - 1));

        reader.Next();
        Assert.True(reader.HasMessage);
        reader.Next();
        Assert.False(reader.HasMessage); // the last message lacks its last byte
        Assert.Equal(4, reader.Next().Body.Span[0]);
    }

    [Fact]
    public void Reader_refuses_an_impossible_length()
    {
        var reader = new BackendReader(Chunks([(byte)'d', 0, 0, 0, 2], 5));

        Assert.Throws<IOException>(() => reader.Next());
    }

    [Fact]
    public void Error_response_reads_as_Npgsql_writes_it()
    {
        var body = Encoding.UTF8.GetBytes("SFATAL\0VFATAL\0C28P01\0Mpassword authentication failed for user \"pgward\"\0\0");

        var error = ServerError.Parse(body);

        Assert.Equal("28P01", error.SqlState);
        Assert.Equal("28P01: password authentication failed for user \"pgward\"", error.Message);
        Assert.False(error.IsTransient);
        Assert.True(ServerError.Parse(Encoding.UTF8.GetBytes("C57P03\0Mthe database system is starting up\0\0")).IsTransient);
    }

    private static byte[] Backend(byte type, byte[] body)
    {
        var message = new byte[5 + body.Length];
        message[0] = type;
        BinaryPrimitives.WriteInt32BigEndian(message.AsSpan(1), 4 + body.Length);
        body.CopyTo(message, 5);
        return message;
    }

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(part => part).ToArray();

    /// <summary>A receive that hands out <paramref name="stream"/> at most <paramref name="chunk"/> bytes at a time, then 0.</summary>
    private static Func<Memory<byte>, int> Chunks(byte[] stream, int chunk)
    {
        var offset = 0;
        return destination =>
        {
            var count = Math.Min(Math.Min(chunk, destination.Length), stream.Length - offset);
            stream.AsSpan(offset, count).CopyTo(destination.Span);
            offset += count;
            return count;
        };
    }
}
