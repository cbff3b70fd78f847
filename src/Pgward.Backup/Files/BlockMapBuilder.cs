using Pgward.Cluster.Backups;

namespace Pgward.Backup.Files;

/// <summary>Builds a <see cref="BlockMap"/> from a file's bytes as they are read, in pieces that are whole blocks
/// (only the last may end in a short block). Not thread-safe: one reader appends.</summary>
/// <param name="masked">Hash table pages masked (<see cref="PageMask"/>): for a relation's main fork.</param>
public sealed class BlockMapBuilder(bool masked = false)
{
    private readonly List<ulong> hashes = [];
    private readonly List<ulong>? loose = masked ? [] : null;
    private readonly byte[]? scratch = masked ? new byte[BlockMap.BlockSize] : null;
    private long length;
    private bool ended;

    public int Count => hashes.Count;

    /// <summary>Hashes <paramref name="piece"/>'s blocks, the file's next bytes; a piece that is not a whole number of
    /// blocks must be the last.</summary>
    public void Append(ReadOnlySpan<byte> piece)
    {
        if (ended && piece.Length > 0)
        {
            throw new InvalidOperationException("a piece after a short block: pieces must be whole blocks but the last");
        }
        for (var offset = 0; offset < piece.Length; offset += BlockMap.BlockSize)
        {
            var block = piece.Slice(offset, Math.Min(BlockMap.BlockSize, piece.Length - offset));
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
            ended |= block.Length < BlockMap.BlockSize;
        }
        length += piece.Length;
    }

    public ulong this[int index] => hashes[index];

    public BlockMap Build() => new(length, [.. hashes], loose is null ? null : [.. loose]);
}
