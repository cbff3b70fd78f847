using System.Buffers.Binary;
using System.IO.Hashing;
using Pgward.Cluster.Backups;
using Pgward.Core.Checksums;

namespace Pgward.Backup.Files;

/// <summary>
/// The checksum of every <see cref="BlockSize"/> block of one stored file: what the next incremental compares the file's
/// blocks with to send only those that changed (<see cref="BlockPatch"/>). Stored beside the file as
/// <c>&lt;name&gt;.blocks</c> (<see cref="StoredFiles"/>): a magic, the file's length (i64), then one entry per block, all
/// little-endian. The last block may be short. Magics and entries:
/// <list type="bullet">
/// <item><c>PGWBMAP1</c>: the block's XxHash3 (64 bits), of the block as it is;</item>
/// <item><c>PGWBMAP2</c> (of a relation's main fork): table pages hashed masked (<see cref="PageMask"/>), the strict then
/// the loose hash;</item>
/// <item><c>PGWBMAP3</c> and <c>PGWBMAP4</c>: as 1 and 2, then the block's CRC-32C (u32) and the low byte of its page
/// header's <c>pd_flags</c> (u8: <c>PD_ALL_VISIBLE</c>, which vacuum may set without changing the page's LSN).</item>
/// </list>
/// A map describes the copy the backup stored, which is not always what the agent read: a block whose strict hash equals
/// the parent's is not sent, and the stored copy keeps the parent's bytes, so its entry keeps the parent's CRC and flags
/// (the file's CRC in an incremental's manifest is its blocks' CRCs combined: the CRC of what a restore writes). Only a
/// map with CRCs (3 or 4) is a base for a patch. An incremental compares the strict hashes; a map of either kind is
/// compared with blocks hashed the other way soundly: a masked hash equals a plain one only when masking changed
/// nothing. Pure.
/// </summary>
/// <param name="Length">The file's length in bytes when it was read.</param>
/// <param name="Hashes">One per block: <c>ceil(Length / BlockSize)</c>; the strict masked hash in a masked map.</param>
/// <param name="Loose">In a masked map, each block's loose masked hash; null otherwise.</param>
/// <param name="Crcs">Each stored block's CRC-32C (finished); null in a map of before CRCs (1 or 2).</param>
/// <param name="Flags">Each stored block's <c>pd_flags</c> low byte (0 for a block shorter than a page); null with
/// <paramref name="Crcs"/>.</param>
public sealed record BlockMap(long Length, ulong[] Hashes, ulong[]? Loose = null, uint[]? Crcs = null, byte[]? Flags = null)
{
    /// <summary>PostgreSQL's page size: a page written by the server is one block.</summary>
    public const int BlockSize = 8192;

    /// <summary>Files smaller than this (1 MiB) get no map and stay file-level: a patch would save little, and most of a
    /// data directory's files are that small.</summary>
    public const long Threshold = 1L << 20;

    private static ReadOnlySpan<byte> Magic => "PGWBMAP1"u8;

    private static ReadOnlySpan<byte> MaskedMagic => "PGWBMAP2"u8;

    private static ReadOnlySpan<byte> CrcMagic => "PGWBMAP3"u8;

    private static ReadOnlySpan<byte> MaskedCrcMagic => "PGWBMAP4"u8;

    /// <summary><c>PD_ALL_VISIBLE</c> in a page header's <c>pd_flags</c>.</summary>
    public const byte AllVisible = 0x04;

    public int Count => Hashes.Length;

    /// <summary>Whether table pages were hashed masked (<c>PGWBMAP2</c>, <c>PGWBMAP4</c>).</summary>
    public bool Masked => Loose is not null;

    /// <summary>Whether the map holds each block's CRC-32C and flags (<c>PGWBMAP3</c>, <c>PGWBMAP4</c>): only such a map
    /// is a base for a patch.</summary>
    public bool HasCrcs => Crcs is not null && Flags is not null;

    /// <summary>The finished CRC-32C of the whole stored file: its blocks' combined.</summary>
    public uint FileCrc()
    {
        var crcs = Crcs ?? throw new InvalidOperationException("a block map without CRCs");
        var crc = new Crc32C().Value;
        for (var i = 0; i < crcs.Length; i++)
        {
            crc = Crc32C.Combine(crc, crcs[i], BlockLength(Length, i));
        }
        return crc;
    }

    /// <summary>The low byte of a page header's <c>pd_flags</c> (offset 10); 0 for a block shorter than a page.</summary>
    public static byte FlagsOf(ReadOnlySpan<byte> block) => block.Length == BlockSize ? (byte)(block[10] & 0x07) : (byte)0;

    public static ulong Hash(ReadOnlySpan<byte> block) => XxHash3.HashToUInt64(block);

    public static int BlocksOf(long length) => checked((int)((length + BlockSize - 1) / BlockSize));

    /// <summary>The length of block <paramref name="index"/> in a file of <paramref name="length"/> bytes (0 past its end).</summary>
    public static int BlockLength(long length, int index) => (int)Math.Clamp(length - (long)index * BlockSize, 0, BlockSize);

    /// <summary>Whether block <paramref name="index"/>, read now with <paramref name="length"/> bytes and this hash, holds
    /// what this map recorded: the same length (a block past the old end, or cut differently, never matches) and hash.</summary>
    public bool Matches(int index, int length, ulong hash) =>
        index < Hashes.Length && BlockLength(Length, index) == length && Hashes[index] == hash;

    public byte[] ToBytes()
    {
        var crcs = HasCrcs;
        var width = Width(Loose is not null, crcs);
        var bytes = new byte[Magic.Length + 8 + width * Hashes.Length];
        (Loose is null ? (crcs ? CrcMagic : Magic) : (crcs ? MaskedCrcMagic : MaskedMagic)).CopyTo(bytes);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(Magic.Length), Length);
        for (var i = 0; i < Hashes.Length; i++)
        {
            var at = Magic.Length + 8 + width * i;
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(at), Hashes[i]);
            at += 8;
            if (Loose is not null)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(at), Loose[i]);
                at += 8;
            }
            if (crcs)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at), Crcs![i]);
                bytes[at + 4] = Flags![i];
            }
        }
        return bytes;
    }

    /// <summary>Reads a map; throws <see cref="InvalidDataException"/> when it is not one.</summary>
    public static BlockMap Parse(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < Magic.Length + 8)
        {
            throw new InvalidDataException("not a block map (shorter than its header)");
        }
        var magic = bytes[..Magic.Length];
        var (masked, crcs) = magic.SequenceEqual(Magic) ? (false, false)
            : magic.SequenceEqual(MaskedMagic) ? (true, false)
            : magic.SequenceEqual(CrcMagic) ? (false, true)
            : magic.SequenceEqual(MaskedCrcMagic) ? (true, true)
            : throw new InvalidDataException("not a block map (no PGWBMAP1 to PGWBMAP4 header)");
        var length = BinaryPrimitives.ReadInt64LittleEndian(bytes[Magic.Length..]);
        var body = bytes[(Magic.Length + 8)..];
        var width = Width(masked, crcs);
        if (length < 0 || body.Length % width != 0 || body.Length / width != BlocksOf(length))
        {
            throw new InvalidDataException($"a block map of {body.Length / width} blocks for a file of {length} bytes");
        }
        var count = body.Length / width;
        var hashes = new ulong[count];
        var loose = masked ? new ulong[count] : null;
        var crcValues = crcs ? new uint[count] : null;
        var flags = crcs ? new byte[count] : null;
        for (var i = 0; i < count; i++)
        {
            var at = width * i;
            hashes[i] = BinaryPrimitives.ReadUInt64LittleEndian(body[at..]);
            at += 8;
            if (loose is not null)
            {
                loose[i] = BinaryPrimitives.ReadUInt64LittleEndian(body[at..]);
                at += 8;
            }
            if (crcValues is not null)
            {
                crcValues[i] = BinaryPrimitives.ReadUInt32LittleEndian(body[at..]);
                flags![i] = body[at + 4];
            }
        }
        return new BlockMap(length, hashes, loose, crcValues, flags);
    }

    /// <summary>Whether <paramref name="bytes"/> begin as a map with CRCs (<see cref="HasCrcs"/>), without parsing it.</summary>
    public static bool HasCrcsHeader(ReadOnlySpan<byte> bytes) =>
        bytes.Length >= CrcMagic.Length && (bytes[..CrcMagic.Length].SequenceEqual(CrcMagic) || bytes[..CrcMagic.Length].SequenceEqual(MaskedCrcMagic));

    private static int Width(bool masked, bool crcs) => (masked ? 16 : 8) + (crcs ? 5 : 0);
}
