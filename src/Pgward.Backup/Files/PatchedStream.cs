using System.Buffers.Binary;
using Pgward.Core.Compression;

namespace Pgward.Backup.Files;

/// <summary>
/// Reads a file stored as a <see cref="BlockPatch"/>: the base's bytes (itself a stream, perhaps another
/// <see cref="PatchedStream"/>), block by block, with the patch's records laid over them, up to the new length. Reads
/// the base and the patch once, in order. Damage (a record out of order, of the wrong size, a base shorter than a block
/// it should give) throws <see cref="InvalidDataException"/>; damage inside a block's bytes shows in the file's checksum.
/// </summary>
public sealed class PatchedStream : Stream
{
    private readonly Stream patch;
    private readonly Stream baseStream;
    private readonly long length;
    private readonly int blocks;
    private readonly long recordsEnd;
    private readonly byte[] block = new byte[BlockMap.BlockSize];
    private readonly byte[] compressed = new byte[BlockMap.BlockSize];
    private readonly byte[] recordHeader = new byte[8];
    private int nextRecord = -1;
    private int current = -1;
    private int blockLength;
    private int blockOffset;
    private long position;

    /// <param name="patch">The patch file, seekable, positioned anywhere; owned by the stream.</param>
    /// <param name="trailer">Its trailer, read by <see cref="BlockPatch.ReadTrailer"/>.</param>
    /// <param name="baseStream">The base's content from its start; owned by the stream.</param>
    public PatchedStream(Stream patch, PatchTrailer trailer, Stream baseStream)
    {
        this.patch = patch;
        this.baseStream = baseStream;
        length = trailer.Length;
        blocks = BlockMap.BlocksOf(length);
        recordsEnd = trailer.RecordsEnd;
        patch.Position = 0;
        ReadRecordHeader();
    }

    /// <summary>The rebuilt file's length.</summary>
    public override long Length => length;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Position { get => position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var total = 0;
        while (buffer.Length > 0)
        {
            if (blockOffset == blockLength && !NextBlock())
            {
                break;
            }
            var n = Math.Min(buffer.Length, blockLength - blockOffset);
            block.AsSpan(blockOffset, n).CopyTo(buffer);
            blockOffset += n;
            buffer = buffer[n..];
            total += n;
        }
        position += total;
        return total;
    }

    private bool NextBlock()
    {
        if (current + 1 >= blocks)
        {
            if (nextRecord != -1)
            {
                throw new InvalidDataException($"the block patch has a record for block {nextRecord} past its length of {length} bytes");
            }
            return false;
        }
        current++;
        blockLength = BlockMap.BlockLength(length, current);
        blockOffset = 0;
        // The base's block is read in every case: the base is a stream, and the next block follows it.
        var fromBase = baseStream.ReadAtLeast(block.AsSpan(0, BlockMap.BlockSize), BlockMap.BlockSize, throwOnEndOfStream: false);
        if (nextRecord == current)
        {
            ReadRecordBody();
            ReadRecordHeader();
        }
        else if (fromBase < blockLength)
        {
            throw new InvalidDataException($"the base of the block patch ends in block {current}, which the patch does not hold: a link of the chain is damaged");
        }
        return true;
    }

    private void ReadRecordHeader()
    {
        BlockPatch.ReadExactly(patch, recordHeader.AsSpan(0, 4));
        var number = BinaryPrimitives.ReadUInt32LittleEndian(recordHeader);
        if (number == BlockPatch.EndOfRecords)
        {
            if (patch.Position != recordsEnd + 4)
            {
                throw new InvalidDataException("the block patch's records end before its trailer: it is damaged");
            }
            nextRecord = -1;
            return;
        }
        if (number >= blocks || (int)number <= current)
        {
            throw new InvalidDataException($"the block patch has a record for block {number} after block {current} of {blocks}: it is damaged");
        }
        nextRecord = (int)number;
    }

    private void ReadRecordBody()
    {
        BlockPatch.ReadExactly(patch, recordHeader.AsSpan(4, 4));
        var size = BinaryPrimitives.ReadUInt32LittleEndian(recordHeader.AsSpan(4));
        var raw = BlockPatch.IsRaw(size, out var stored);
        if (stored > BlockMap.BlockSize || (raw && stored != blockLength))
        {
            throw new InvalidDataException($"the block patch's record for block {current} holds {stored} bytes: it is damaged");
        }
        if (raw)
        {
            BlockPatch.ReadExactly(patch, block.AsSpan(0, stored));
            return;
        }
        BlockPatch.ReadExactly(patch, compressed.AsSpan(0, stored));
        var decoded = Lz4Block.Decode(compressed.AsSpan(0, stored), block.AsSpan(0, blockLength));
        if (decoded != blockLength)
        {
            throw new InvalidDataException($"the block patch's record for block {current} does not decode to {blockLength} bytes: it is damaged");
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            patch.Dispose();
            baseStream.Dispose();
        }
        base.Dispose(disposing);
    }
}
