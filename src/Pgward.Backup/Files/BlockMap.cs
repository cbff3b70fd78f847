using System.Buffers.Binary;
using System.IO.Hashing;
using Pgward.Cluster.Backups;

namespace Pgward.Backup.Files;

/// <summary>
/// The checksum of every <see cref="BlockSize"/> block of one stored file, as the agent read it: what the next
/// incremental compares the file's blocks with to send only those that changed (<see cref="BlockPatch"/>). Stored beside
/// the file as <c>&lt;name&gt;.blocks</c> (<see cref="StoredFiles"/>): the magic <c>PGWBMAP1</c> (hashes of the blocks as
/// they are) or <c>PGWBMAP2</c> (of a relation's main fork: table pages hashed masked, <see cref="PageMask"/>), the
/// file's length (i64), then per block one XxHash3 (64 bits), or with <c>PGWBMAP2</c> two (the strict, then the loose
/// masked hash), all little-endian. The last block may be short. An incremental compares the strict hashes; a map of
/// either kind is compared with blocks hashed the other way soundly: a masked hash equals a plain one only when masking
/// changed nothing. Pure.
/// </summary>
/// <param name="Length">The file's length in bytes when it was read.</param>
/// <param name="Hashes">One per block: <c>ceil(Length / BlockSize)</c>; the strict masked hash in a masked map.</param>
/// <param name="Loose">In a masked map (<c>PGWBMAP2</c>), each block's loose masked hash; null otherwise.</param>
public sealed record BlockMap(long Length, ulong[] Hashes, ulong[]? Loose = null)
{
    /// <summary>PostgreSQL's page size: a page written by the server is one block.</summary>
    public const int BlockSize = 8192;

    /// <summary>Files smaller than this (1 MiB) get no map and stay file-level: a patch would save little, and most of a
    /// data directory's files are that small.</summary>
    public const long Threshold = 1L << 20;

    private static ReadOnlySpan<byte> Magic => "PGWBMAP1"u8;

    private static ReadOnlySpan<byte> MaskedMagic => "PGWBMAP2"u8;

    public int Count => Hashes.Length;

    /// <summary>Whether table pages were hashed masked (<c>PGWBMAP2</c>).</summary>
    public bool Masked => Loose is not null;

    public static ulong Hash(ReadOnlySpan<byte> block) => XxHash3.HashToUInt64(block);

    public static int BlocksOf(long length) => checked((int)((length + BlockSize - 1) / BlockSize));

    /// <summary>The length of block <paramref name="index"/> in a file of <paramref name="length"/> bytes (0 past its end).</summary>
    public static int BlockLength(long length, int index) => (int)Math.Clamp(length - (long)index * BlockSize, 0, BlockSize);

    /// <summary>Whether block <paramref name="index"/>, read now with <paramref name="length"/> bytes and this hash, holds
    /// what this map recorded: the same length (a block past the old end, or cut differently, never matches) and hash.</summary>
    public bool Matches(int index, int length, ulong hash) =>
        index < Hashes.Length && BlockLength(Length, index) == length && Hashes[index] == hash;

    /// <summary>The blocks of the piece just added to <paramref name="map"/> (its first block is
    /// <paramref name="firstBlock"/>, its length <paramref name="pieceLength"/>) that this map, the parent's, does not
    /// hold: their offsets within the piece, ascending. What an incremental sends of a changed file.</summary>
    public int[] Differing(BlockMapBuilder map, int firstBlock, int pieceLength)
    {
        var changed = new List<int>();
        for (var i = firstBlock; i < map.Count; i++)
        {
            var length = Math.Min(BlockSize, pieceLength - (i - firstBlock) * BlockSize);
            if (!Matches(i, length, map[i]))
            {
                changed.Add(i - firstBlock);
            }
        }
        return [.. changed];
    }

    public byte[] ToBytes()
    {
        var width = Loose is null ? 8 : 16;
        var bytes = new byte[Magic.Length + 8 + width * Hashes.Length];
        (Loose is null ? Magic : MaskedMagic).CopyTo(bytes);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(Magic.Length), Length);
        for (var i = 0; i < Hashes.Length; i++)
        {
            var at = Magic.Length + 8 + width * i;
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(at), Hashes[i]);
            if (Loose is not null)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(at + 8), Loose[i]);
            }
        }
        return bytes;
    }

    /// <summary>Reads a map; throws <see cref="InvalidDataException"/> when it is not one.</summary>
    public static BlockMap Parse(ReadOnlySpan<byte> bytes)
    {
        var masked = bytes.Length >= MaskedMagic.Length && bytes[..MaskedMagic.Length].SequenceEqual(MaskedMagic);
        if (bytes.Length < Magic.Length + 8 || !(masked || bytes[..Magic.Length].SequenceEqual(Magic)))
        {
            throw new InvalidDataException("not a block map (no PGWBMAP1 or PGWBMAP2 header)");
        }
        var length = BinaryPrimitives.ReadInt64LittleEndian(bytes[Magic.Length..]);
        var body = bytes[(Magic.Length + 8)..];
        var width = masked ? 16 : 8;
        if (length < 0 || body.Length % width != 0 || body.Length / width != BlocksOf(length))
        {
            throw new InvalidDataException($"a block map of {body.Length / width} blocks for a file of {length} bytes");
        }
        var hashes = new ulong[body.Length / width];
        var loose = masked ? new ulong[hashes.Length] : null;
        for (var i = 0; i < hashes.Length; i++)
        {
            hashes[i] = BinaryPrimitives.ReadUInt64LittleEndian(body[(width * i)..]);
            if (loose is not null)
            {
                loose[i] = BinaryPrimitives.ReadUInt64LittleEndian(body[(width * i + 8)..]);
            }
        }
        return new BlockMap(length, hashes, loose);
    }
}
