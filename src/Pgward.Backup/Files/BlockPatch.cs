using System.Buffers.Binary;
using System.Text;
using Pgward.Cluster.Backups;

namespace Pgward.Backup.Files;

/// <summary>
/// A file stored as the blocks that changed since its parent backup's copy: <c>&lt;name&gt;.patch</c>
/// (<see cref="StoredFiles"/>). Format, integers little-endian:
/// <code>
/// records     u32 block number, u32 size (high bit set: the block is kept raw), then the block's lz4 image;
///             block numbers strictly increasing (as the agent sent them)
/// u32         0xFFFFFFFF, the end of the records
/// "PGWPATCH"  magic (8 bytes)
/// u8          version (1)
/// u8          depth: 1 when the base is a whole file (.lz4), the base's depth + 1 when it is a patch
/// bytes       the base backup's id (UTF-8): its copy of the same path is what the blocks lie over
/// u16         the id's length
/// i64         the file's new length
/// </code>
/// The description is a trailer so that the backup server writes the agent's records as they arrive and adds it once
/// it knows the file was patched (an agent that predates block maps sends the whole file instead).
/// The file is the base's content cut or extended to the new length, with the records' blocks laid over it: every block
/// whose hash or length differs from the base's map, and every block past the base's end, is a record; a block not sent
/// holds the base's bytes, which may differ from what the agent read only where the masked hash does not look, or in the
/// hints of a page kept by its LSN (<see cref="LsnDelta"/>). Its checksum in the manifest, the CRC of those bytes, stays
/// the check. Pure.
/// </summary>
public static class BlockPatch
{
    public const byte Version = 1;

    /// <summary>Chain rule: a file's copy is a patch over a patch over ... at most this deep (4); the next change of that
    /// file is stored whole. A restore reads every link of the chain, so the chain stays short; and a patch holding more
    /// than half of the file's blocks is not kept either (see <see cref="WorthKeeping"/>).</summary>
    public const int MaxDepth = 4;

    public const uint EndOfRecords = 0xFFFFFFFF;

    public static ReadOnlySpan<byte> Magic => "PGWPATCH"u8;

    /// <summary>The most <see cref="EncodeRecords"/> writes for <paramref name="blocks"/> blocks.</summary>
    public static int MaxRecordsLength(int blocks) => blocks * (8 + BlockMap.BlockSize);

    /// <summary>Writes one record per changed block of <paramref name="piece"/> (whose first block is file block
    /// <paramref name="firstBlock"/>; <paramref name="changed"/> are offsets of blocks within the piece, ascending)
    /// into <paramref name="output"/>; returns the bytes written.</summary>
    public static int EncodeRecords(ReadOnlySpan<byte> piece, int firstBlock, ReadOnlySpan<int> changed, Span<byte> output)
    {
        var written = 0;
        foreach (var index in changed)
        {
            var offset = index * BlockMap.BlockSize;
            var block = piece.Slice(offset, Math.Min(BlockMap.BlockSize, piece.Length - offset));
            BinaryPrimitives.WriteUInt32LittleEndian(output[written..], (uint)(firstBlock + index));
            written += 4 + BlockRuns.Encode(block, output[(written + 4)..]);
        }
        return written;
    }

    /// <summary>The patch file's end, after its records.</summary>
    public static byte[] Trailer(string baseBackupId, int depth, long newLength)
    {
        var id = Encoding.UTF8.GetBytes(baseBackupId);
        var trailer = new byte[4 + Magic.Length + 2 + id.Length + 2 + 8];
        BinaryPrimitives.WriteUInt32LittleEndian(trailer, EndOfRecords);
        Magic.CopyTo(trailer.AsSpan(4));
        trailer[4 + Magic.Length] = Version;
        trailer[4 + Magic.Length + 1] = checked((byte)depth);
        id.CopyTo(trailer, 4 + Magic.Length + 2);
        BinaryPrimitives.WriteUInt16LittleEndian(trailer.AsSpan(trailer.Length - 10), checked((ushort)id.Length));
        BinaryPrimitives.WriteInt64LittleEndian(trailer.AsSpan(trailer.Length - 8), newLength);
        return trailer;
    }

    /// <summary>Reads a patch file's trailer (the stream must seek); throws <see cref="InvalidDataException"/> when it is
    /// not one.</summary>
    public static PatchTrailer ReadTrailer(Stream patch)
    {
        var fixedEnd = new byte[10];
        if (patch.Length < 4 + Magic.Length + 2 + 10)
        {
            throw new InvalidDataException("not a block patch: too short for its trailer");
        }
        patch.Seek(-10, SeekOrigin.End);
        ReadExactly(patch, fixedEnd);
        var idLength = BinaryPrimitives.ReadUInt16LittleEndian(fixedEnd);
        var length = BinaryPrimitives.ReadInt64LittleEndian(fixedEnd.AsSpan(2));
        var start = patch.Length - 10 - idLength - 2 - Magic.Length - 4;
        if (start < 0)
        {
            throw new InvalidDataException("not a block patch: its trailer is damaged");
        }
        var head = new byte[4 + Magic.Length + 2 + idLength];
        patch.Position = start;
        ReadExactly(patch, head);
        if (BinaryPrimitives.ReadUInt32LittleEndian(head) != EndOfRecords || !head.AsSpan(4, Magic.Length).SequenceEqual(Magic)
            || head[4 + Magic.Length] != Version)
        {
            throw new InvalidDataException("not a block patch (no PGWPATCH version 1 trailer)");
        }
        var depth = head[4 + Magic.Length + 1];
        var baseId = Encoding.UTF8.GetString(head.AsSpan(4 + Magic.Length + 2));
        if (depth is < 1 or > MaxDepth || length < 0 || baseId.Length == 0 || baseId.Contains('/') || baseId.Contains("..", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"a block patch with depth {depth} over backup \"{baseId}\" for {length} bytes: its trailer is damaged");
        }
        return new PatchTrailer(baseId, depth, length, start);
    }

    /// <summary>Whether a patch of <paramref name="records"/> changed blocks is worth keeping for a file of
    /// <paramref name="blocks"/> blocks: at most half of them. A larger one saves less than half the space and keeps a
    /// chain (and its older backups) alive for it: the file is stored whole instead.</summary>
    public static bool WorthKeeping(int records, int blocks) => records * 2L <= blocks;

    internal static void ReadExactly(Stream stream, Span<byte> target)
    {
        try
        {
            stream.ReadExactly(target);
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException("the block patch ends early: it is truncated");
        }
    }

    internal static bool IsRaw(uint size, out int length)
    {
        length = (int)(size & ~BlockRuns.RawFlag);
        return (size & BlockRuns.RawFlag) != 0;
    }
}
