using System.Buffers.Binary;
using Pgward.Core.Compression;

namespace Pgward.Cluster.Backups;

/// <summary>
/// The answer of <c>POST /backups/{id}/files</c> (<see cref="ContentType"/>): records, each a kind byte and its fields,
/// integers little-endian, strings a u16 length and UTF-8: <c>D path</c> a directory, <c>L path target</c> a symlink,
/// <c>F path size(i64) offset(i64) length(i32) data</c> a run of a file of <c>size</c> bytes from <c>offset</c>, and
/// <c>E</c>, which ends a whole answer (a stream without it was cut short). A run's data is at most
/// <see cref="MaxBlocksPerRun"/> consecutive lz4 blocks, each a u32 header (the body's length; the high bit set when the
/// body is the bytes themselves) and its body; every block decodes to <see cref="BlockSize"/> bytes, the file's last to
/// what remains. A file's runs come one after another, in order; a file fetched whole has runs from 0 to its end (an
/// empty file one run of no blocks). The backup server sends a files backup's stored lz4 blocks as they are (its
/// <c>Lz4BlockFrame</c> has this block size), so it neither decompresses nor compresses them; the receiver decodes runs
/// on several threads and writes each where it goes.
/// <para><c>P path size(i64) offset(i64) length(i32) data</c> is a run of pages, for a file asked for in pages by a
/// client that said it reads them (<see cref="RestoreFilesRequest.PageRuns"/>): the same shape with
/// <see cref="PageSize"/> in place of <see cref="BlockSize"/>, each page compressed apart. The server sends a stored block
/// of which only some pages are wanted that way, decoded and its wanted pages compressed again, rather than the whole
/// block. Pure.</para>
/// </summary>
public static class BlockRuns
{
    public const string ContentType = "application/x-pgward-block-runs";

    /// <summary>What one lz4 block decodes to (64 KiB): 8 pages of <see cref="PageSize"/>.</summary>
    public const int BlockSize = 64 << 10;

    /// <summary>The unit a delta compares and asks for: PostgreSQL's page (8 KiB), a block map's block.</summary>
    public const int PageSize = 8192;

    public const int MaxBlocksPerRun = 16;

    /// <summary>The most bytes a run's data holds.</summary>
    public const int MaxRunLength = MaxBlocksPerRun * (4 + BlockSize);

    public const uint RawFlag = 0x80000000u;

    public const byte Directory = (byte)'D';
    public const byte Symlink = (byte)'L';
    public const byte FileRun = (byte)'F';
    public const byte PageRun = (byte)'P';
    public const byte End = (byte)'E';

    /// <summary>How many lz4 blocks a file of <paramref name="size"/> bytes has.</summary>
    public static int BlocksOf(long size) => checked((int)((size + BlockSize - 1) / BlockSize));

    /// <summary>What block <paramref name="index"/> of a file of <paramref name="size"/> bytes decodes to (0 past its end),
    /// in blocks of <paramref name="unit"/> bytes (<see cref="BlockSize"/>, or <see cref="PageSize"/> in a page run).</summary>
    public static int BlockLength(long size, int index, int unit = BlockSize) => (int)Math.Clamp(size - (long)index * unit, 0, unit);

    /// <summary>Decodes a run's data, whose first block is the file's block <paramref name="firstBlock"/> (in blocks of
    /// <paramref name="unit"/> bytes), into <paramref name="output"/> (at least <see cref="MaxBlocksPerRun"/> blocks);
    /// returns the bytes decoded. Throws <see cref="InvalidDataException"/> when a block is damaged, decodes to another
    /// length than its place in the file says, or lies past the file's end.</summary>
    public static int Decode(ReadOnlySpan<byte> run, int firstBlock, long size, Span<byte> output, int unit = BlockSize)
    {
        var (written, index) = (0, firstBlock);
        while (run.Length > 0)
        {
            var expected = BlockLength(size, index, unit);
            if (run.Length < 4 || expected == 0 || written + expected > output.Length)
            {
                throw new InvalidDataException($"a run has a block {index} past the end of a file of {size} bytes, or is cut");
            }
            var header = BinaryPrimitives.ReadUInt32LittleEndian(run);
            var length = (int)(header & ~RawFlag);
            if (length > BlockSize || run.Length < 4 + length)
            {
                throw new InvalidDataException($"block {index} of a run claims {length} bytes: the run is damaged");
            }
            var body = run.Slice(4, length);
            var target = output.Slice(written, expected);
            if ((header & RawFlag) != 0)
            {
                if (length != expected)
                {
                    throw new InvalidDataException($"raw block {index} holds {length} bytes, not {expected}");
                }
                body.CopyTo(target);
            }
            else if (Lz4Block.Decode(body, target) != expected)
            {
                throw new InvalidDataException($"block {index} does not decode to {expected} bytes: it is damaged");
            }
            written += expected;
            index++;
            run = run[(4 + length)..];
        }
        return written;
    }

    /// <summary>Appends block bytes (<paramref name="block"/>, at most <see cref="BlockSize"/>) compressed, with its header,
    /// to <paramref name="output"/> (at least <c>4 + BlockSize</c>); returns the bytes written. A block lz4 cannot shrink
    /// is kept raw.</summary>
    public static int Encode(ReadOnlySpan<byte> block, Span<byte> output)
    {
        var body = output.Slice(4, block.Length);
        var compressed = Lz4Block.Encode(block, body);
        if (compressed > 0)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(output, (uint)compressed);
            return 4 + compressed;
        }
        block.CopyTo(body);
        BinaryPrimitives.WriteUInt32LittleEndian(output, RawFlag | (uint)block.Length);
        return 4 + block.Length;
    }
}
