using System.Buffers.Binary;
using System.Text;

namespace Pgward.Backup.Files;

/// <summary>Writes the frames of <see cref="FrameTag"/> to the answer of a files request (the agent's side).</summary>
public sealed class FrameWriter(Stream output)
{
    public Task DataAsync(ReadOnlyMemory<byte> bytes, CancellationToken ct) => BytesAsync(FrameTag.Data, bytes, ct);

    public Task MapAsync(ReadOnlyMemory<byte> map, CancellationToken ct) => BytesAsync(FrameTag.BlockMap, map, ct);

    public Task MapDeltaAsync(ReadOnlyMemory<byte> delta, CancellationToken ct) => BytesAsync(FrameTag.BlockMapDelta, delta, ct);

    private async Task BytesAsync(FrameTag tag, ReadOnlyMemory<byte> bytes, CancellationToken ct)
    {
        var header = new byte[5];
        header[0] = (byte)tag;
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(1), (uint)bytes.Length);
        await output.WriteAsync(header, ct);
        await output.WriteAsync(bytes, ct);
    }

    public Task EndAsync(FrameTag tag, long size, string checksum, CancellationToken ct)
    {
        var text = Encoding.ASCII.GetBytes(checksum);
        var frame = new byte[1 + 8 + 1 + text.Length];
        frame[0] = (byte)tag;
        BinaryPrimitives.WriteInt64BigEndian(frame.AsSpan(1), size);
        frame[9] = (byte)text.Length;
        text.CopyTo(frame, 10);
        return output.WriteAsync(frame, ct).AsTask();
    }

    public Task VanishedAsync(CancellationToken ct) => output.WriteAsync(new[] { (byte)FrameTag.Vanished }, ct).AsTask();

    public Task FailedAsync(string message, CancellationToken ct)
    {
        var text = Encoding.UTF8.GetBytes(message.Length > 2000 ? message[..2000] : message);
        var frame = new byte[3 + text.Length];
        frame[0] = (byte)FrameTag.Failed;
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(1), (ushort)text.Length);
        text.CopyTo(frame, 3);
        return output.WriteAsync(frame, ct).AsTask();
    }
}
