using System.Buffers.Binary;

namespace Pgward.Backup.Files;

/// <summary>
/// The map entries of the blocks an incremental read of a file whose changed blocks the WAL named
/// (<see cref="WalBlockPlan"/>, <see cref="FetchItem.MapDelta"/>), with the file's new length: the backup server lays
/// them over the parent's <see cref="BlockMap"/> to make the new one (<see cref="Apply"/>), so that no whole map crosses
/// the network (21 bytes per 8 KiB block: 2.7 MB each way for every 1 GiB segment of a table, however little changed).
/// Format: <c>PGWBDLT1</c>, the file's length (i64), the number of entries (u32), their block numbers (u32 each,
/// ascending), then the entries as a <see cref="BlockMap"/> of those blocks alone (with CRCs; only the file's last block
/// may be short), all little-endian. Pure.
/// </summary>
/// <param name="Length">The file's length as read.</param>
/// <param name="Indices">The blocks read, ascending.</param>
/// <param name="Entries">Their entries, in the same order.</param>
public sealed record BlockMapDelta(long Length, int[] Indices, BlockMap Entries)
{
    private static ReadOnlySpan<byte> Magic => "PGWBDLT1"u8;

    public byte[] ToBytes()
    {
        var entries = Entries.ToBytes();
        var bytes = new byte[Magic.Length + 8 + 4 + 4 * Indices.Length + entries.Length];
        Magic.CopyTo(bytes);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(Magic.Length), Length);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(Magic.Length + 8), (uint)Indices.Length);
        for (var i = 0; i < Indices.Length; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(Magic.Length + 12 + 4 * i), (uint)Indices[i]);
        }
        entries.CopyTo(bytes.AsSpan(Magic.Length + 12 + 4 * Indices.Length));
        return bytes;
    }

    /// <summary>Reads a delta; throws <see cref="InvalidDataException"/> when it is not one.</summary>
    public static BlockMapDelta Parse(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < Magic.Length + 12 || !bytes[..Magic.Length].SequenceEqual(Magic))
        {
            throw new InvalidDataException("not a block map delta (no PGWBDLT1 header)");
        }
        var length = BinaryPrimitives.ReadInt64LittleEndian(bytes[Magic.Length..]);
        var count = BinaryPrimitives.ReadUInt32LittleEndian(bytes[(Magic.Length + 8)..]);
        if (length < 0 || count > (bytes.Length - Magic.Length - 12) / 4)
        {
            throw new InvalidDataException($"a block map delta of {count} entries in {bytes.Length} bytes");
        }
        var indices = new int[count];
        for (var i = 0; i < count; i++)
        {
            var index = BinaryPrimitives.ReadUInt32LittleEndian(bytes[(Magic.Length + 12 + 4 * i)..]);
            if (index > int.MaxValue || (i > 0 && index <= indices[i - 1]))
            {
                throw new InvalidDataException("a block map delta whose block numbers are not ascending");
            }
            indices[i] = (int)index;
        }
        var entries = BlockMap.Parse(bytes[(Magic.Length + 12 + 4 * (int)count)..]);
        if (entries.Count != count || !entries.HasCrcs)
        {
            throw new InvalidDataException($"a block map delta of {count} blocks whose entries are {entries.Count}, or have no CRCs");
        }
        return new BlockMapDelta(length, indices, entries);
    }

    /// <summary>The new file's map: these entries where read, the parent's elsewhere. Every block not read must be a
    /// whole block of the parent's copy, and of the new file; throws <see cref="InvalidDataException"/> otherwise, or
    /// when the two maps are not of one kind (masked, with CRCs).</summary>
    public BlockMap Apply(BlockMap parent)
    {
        if (!parent.HasCrcs || parent.Masked != Entries.Masked)
        {
            throw new InvalidDataException("a block map delta lies only over a parent map with CRCs, masked as it is");
        }
        var count = BlockMap.BlocksOf(Length);
        var hashes = new ulong[count];
        var loose = Entries.Masked ? new ulong[count] : null;
        var crcs = new uint[count];
        var flags = new byte[count];
        void Take(int i, BlockMap from, int at)
        {
            hashes[i] = from.Hashes[at];
            if (loose is not null)
            {
                loose[i] = from.Loose![at];
            }
            crcs[i] = from.Crcs![at];
            flags[i] = from.Flags![at];
        }
        var next = 0;
        for (var i = 0; i < count; i++)
        {
            var length = BlockMap.BlockLength(Length, i);
            var read = next < Indices.Length && Indices[next] == i;
            if (read ? BlockMap.BlockLength(Entries.Length, next) != length
                : i >= parent.Count || length != BlockMap.BlockSize || BlockMap.BlockLength(parent.Length, i) != BlockMap.BlockSize)
            {
                throw new InvalidDataException($"block {i} of a file of {Length} bytes was neither read nor a whole block of the parent's copy");
            }
            if (read)
            {
                Take(i, Entries, next++);
            }
            else
            {
                Take(i, parent, i);
            }
        }
        if (next != Indices.Length)
        {
            throw new InvalidDataException($"a block map delta names block {Indices[next]}, past the end of a file of {Length} bytes");
        }
        return new BlockMap(Length, hashes, loose, crcs, flags);
    }
}
