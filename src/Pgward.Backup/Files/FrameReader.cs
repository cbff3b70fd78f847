using System.Buffers.Binary;
using System.Text;

namespace Pgward.Backup.Files;

/// <summary>Reads the frames of <see cref="FrameTag"/> from a files answer (the backup server's side).</summary>
public sealed class FrameReader(Stream input)
{
    private readonly byte[] header = new byte[10];
    private byte[] buffer = new byte[1 << 16];

    /// <summary>The next frame; throws <see cref="InvalidDataException"/> when the answer ends early or is garbled.</summary>
    public async Task<Frame> ReadAsync(CancellationToken ct)
    {
        await ReadExactlyAsync(header.AsMemory(0, 1), ct);
        var tag = (FrameTag)header[0];
        switch (tag)
        {
            case FrameTag.Data or FrameTag.BlockMap or FrameTag.BlockMapDelta:
                await ReadExactlyAsync(header.AsMemory(0, 4), ct);
                var length = (int)BinaryPrimitives.ReadUInt32BigEndian(header);
                if (length < 0 || length > 64 << 20)
                {
                    throw new InvalidDataException($"a data frame of {length} bytes: the answer is garbled");
                }
                if (buffer.Length < length)
                {
                    buffer = new byte[length];
                }
                await ReadExactlyAsync(buffer.AsMemory(0, length), ct);
                return new Frame(tag, buffer.AsMemory(0, length), 0, "", "");
            case FrameTag.Stored or FrameTag.Patched or FrameTag.Unchanged:
                await ReadExactlyAsync(header.AsMemory(0, 9), ct);
                var size = BinaryPrimitives.ReadInt64BigEndian(header);
                var checksum = new byte[header[8]];
                await ReadExactlyAsync(checksum, ct);
                return new Frame(tag, default, size, Encoding.ASCII.GetString(checksum), "");
            case FrameTag.Vanished:
                return new Frame(tag, default, 0, "", "");
            case FrameTag.Failed:
                await ReadExactlyAsync(header.AsMemory(0, 2), ct);
                var message = new byte[BinaryPrimitives.ReadUInt16BigEndian(header)];
                await ReadExactlyAsync(message, ct);
                return new Frame(tag, default, 0, "", Encoding.UTF8.GetString(message));
            default:
                throw new InvalidDataException($"unknown frame tag {header[0]}: the answer is garbled");
        }
    }

    private async Task ReadExactlyAsync(Memory<byte> target, CancellationToken ct)
    {
        try
        {
            await input.ReadExactlyAsync(target, ct);
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException("the agent's answer ended in the middle of a file");
        }
    }
}
