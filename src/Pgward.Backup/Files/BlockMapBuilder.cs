using Pgward.Cluster.Backups;
using Pgward.Core.Checksums;

namespace Pgward.Backup.Files;

/// <summary>Builds a <see cref="BlockMap"/> from a file's bytes as they are read, in pieces that are whole blocks
/// (only the last may end in a short block), and from the parent's entries for the blocks an incremental keeps of the
/// parent's copy (<see cref="Carry"/>, <see cref="KeepParent"/>). Not thread-safe: one reader appends.</summary>
/// <param name="masked">Hash table pages masked (<see cref="PageMask"/>): for a relation's main fork.</param>
/// <param name="crcs">Record each block's CRC-32C and page flags (a map with CRCs, <see cref="BlockMap.HasCrcs"/>).</param>
public sealed class BlockMapBuilder(bool masked = false, bool crcs = false)
{
    private readonly List<ulong> hashes = [];
    private readonly List<ulong>? loose = masked ? [] : null;
    private readonly List<uint>? crcValues = crcs ? [] : null;
    private readonly List<byte>? flags = crcs ? [] : null;
    private readonly byte[]? scratch = masked ? new byte[BlockMap.BlockSize] : null;
    private long length;
    private bool ended;

    public int Count => hashes.Count;

    /// <summary>Hashes <paramref name="piece"/>'s blocks, the file's next bytes; a piece that is not a whole number of
    /// blocks must be the last.</summary>
    public void Append(ReadOnlySpan<byte> piece)
    {
        for (var offset = 0; offset < piece.Length; offset += BlockMap.BlockSize)
        {
            AppendBlock(piece.Slice(offset, Math.Min(BlockMap.BlockSize, piece.Length - offset)));
        }
    }

    /// <summary>Hashes one block, the file's next.</summary>
    public void AppendBlock(ReadOnlySpan<byte> block)
    {
        if (ended && block.Length > 0)
        {
            throw new InvalidOperationException("a piece after a short block: pieces must be whole blocks but the last");
        }
        if (loose is null)
        {
            hashes.Add(BlockMap.Hash(block));
        }
        else
        {
            var (strict, looseHash) = PageMask.Hashes(block, scratch!);
            hashes.Add(strict);
            loose.Add(looseHash);
        }
        crcValues?.Add(Crc32C.OfPage(block));
        flags?.Add(BlockMap.FlagsOf(block));
        ended |= block.Length < BlockMap.BlockSize;
        length += block.Length;
    }

    /// <summary>Appends, unread, the parent's entry for block <paramref name="index"/>, a whole block the stored copy
    /// takes from the parent's: the file's next.</summary>
    public void Carry(BlockMap parent, int index)
    {
        if (ended || !parent.HasCrcs || parent.Masked != (loose is not null) || crcValues is null
            || BlockMap.BlockLength(parent.Length, index) != BlockMap.BlockSize)
        {
            throw new InvalidOperationException($"block {index} cannot be carried from the parent's map");
        }
        hashes.Add(parent.Hashes[index]);
        loose?.Add(parent.Loose![index]);
        crcValues.Add(parent.Crcs![index]);
        flags!.Add(parent.Flags![index]);
        length += BlockMap.BlockSize;
    }

    /// <summary>Block <paramref name="index"/>, read and found equal to the parent's by its strict hash, is not sent:
    /// the stored copy keeps the parent's bytes, so the entry takes the parent's CRC and flags.</summary>
    public void KeepParent(BlockMap parent, int index)
    {
        if (crcValues is not null && parent.HasCrcs)
        {
            crcValues[index] = parent.Crcs![index];
            flags![index] = parent.Flags![index];
        }
    }

    public ulong this[int index] => hashes[index];

    public BlockMap Build() => new(length, [.. hashes], loose is null ? null : [.. loose],
        crcValues is null ? null : [.. crcValues], flags is null ? null : [.. flags]);
}
