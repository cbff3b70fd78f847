namespace Pgward.Backup.Files;

/// <summary>Builds a <see cref="BlockMap"/> from a file's bytes as they are read, in pieces that are whole blocks
/// (only the last may end in a short block). Not thread-safe: one reader appends.</summary>
public sealed class BlockMapBuilder
{
    private readonly List<ulong> hashes = [];
    private long length;
    private bool ended;

    public int Count => hashes.Count;

    /// <summary>Hashes <paramref name="piece"/>'s blocks, the file's next bytes; a piece that is not a whole number of
    /// blocks must be the last.</summary>
    public void Append(ReadOnlySpan<byte> piece) => AppendHashes(HashBlocks(piece), piece.Length);

    /// <summary>The hashes of <paramref name="piece"/>'s blocks (the last may be short): what <see cref="Append"/>
    /// adds, computed apart so that pieces can be hashed on several threads and added in order.</summary>
    public static ulong[] HashBlocks(ReadOnlySpan<byte> piece)
    {
        var hashes = new ulong[BlockMap.BlocksOf(piece.Length)];
        for (var i = 0; i < hashes.Length; i++)
        {
            var offset = i * BlockMap.BlockSize;
            hashes[i] = BlockMap.Hash(piece.Slice(offset, Math.Min(BlockMap.BlockSize, piece.Length - offset)));
        }
        return hashes;
    }

    /// <summary>Adds the <see cref="HashBlocks"/> of the file's next <paramref name="pieceLength"/> bytes.</summary>
    public void AppendHashes(ReadOnlySpan<ulong> pieceHashes, int pieceLength)
    {
        if (pieceHashes.Length != BlockMap.BlocksOf(pieceLength))
        {
            throw new ArgumentException($"{pieceHashes.Length} hashes for a piece of {pieceLength} bytes", nameof(pieceHashes));
        }
        if (ended && pieceLength > 0)
        {
            throw new InvalidOperationException("a piece after a short block: pieces must be whole blocks but the last");
        }
        hashes.AddRange(pieceHashes);
        ended |= pieceLength % BlockMap.BlockSize != 0;
        length += pieceLength;
    }

    public ulong this[int index] => hashes[index];

    public BlockMap Build() => new(length, [.. hashes]);
}
