using Pgward.Backup.Files;

namespace Pgward.Agent.Backups;

/// <summary>
/// A write-only stream that the lz4 encoder writes a file's compressed bytes to, passed on as <see cref="FrameTag.Data"/>
/// frames of at most 256 KiB, so that the answer stays a sequence of frames. Asynchronous only: Kestrel refuses
/// synchronous writes to a response.
/// </summary>
public sealed class FramingStream(FrameWriter writer) : Stream
{
    private const int FrameSize = 256 << 10;
    private readonly byte[] pending = new byte[FrameSize];
    private int length;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (buffer.Length > 0)
        {
            var take = Math.Min(buffer.Length, FrameSize - length);
            buffer[..take].CopyTo(pending.AsMemory(length));
            length += take;
            buffer = buffer[take..];
            if (length == FrameSize)
            {
                await FlushAsync(cancellationToken);
            }
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (length > 0)
        {
            await writer.DataAsync(pending.AsMemory(0, length), cancellationToken);
            length = 0;
        }
    }

    // The lz4 encoder flushes when it is disposed; the pending bytes go out with FlushAsync, called by the sender.
    public override void Flush()
    {
    }

    public override void Write(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("asynchronous writes only: the frames go to an HTTP response");

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
