using System.Buffers;
using Pgward.Backup.Checks;
using Pgward.Backup.Files;
using Pgward.Cluster.Backups;
using Pgward.Core.Checksums;
using Pgward.Core.Postgres;

namespace Pgward.Agent.Backups;

/// <summary>
/// Reads one file of the data directory for a files backup and writes its frames (<see cref="FrameTag"/>): its bytes
/// as an <see cref="Lz4BlockFrame"/> (compressed by the session's <see cref="BlockCompressor"/>), then its size and
/// the checksum of what was read (CRC-32C when the backup server asks for it, else SHA-256: <see cref="FetchItem.Algorithm"/>).
/// A file with the size and checksum the backup server gave (its parent backup's copy, in the parent's algorithm)
/// is answered "unchanged" without its bytes: one read to checksum, a second only when it did change. Given the parent's
/// <see cref="BlockMap"/>, a changed file is sent as the blocks that differ from it (<see cref="BlockPatch"/> records),
/// with its new map; the checksum is then that of the copy the backup server rebuilds (the sent blocks' CRCs and the
/// parent's for the blocks it keeps, combined), which is what its <c>verify</c> checks. Given instead the blocks the WAL
/// named (<see cref="FetchItem.MapDelta"/>), it reads and sends only those, with their map entries alone
/// (<see cref="BlockMapDelta"/>), and the backup server works out the rest. PostgreSQL may write a file while
/// it is read; the WAL replayed from the backup's start repairs that, as for pg_basebackup.
/// </summary>
public static class FileSender
{
    private const int ChunkSize = 1 << 20;

    public static async Task SendAsync(FrameWriter writer, string path, FetchItem item, BlockCompressor compressor, CancellationToken ct)
    {
        FileStream file;
        try
        {
            file = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.Open, Access = FileAccess.Read, Share = FileShare.ReadWrite | FileShare.Delete,
                BufferSize = 0, Options = FileOptions.SequentialScan,
            });
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            await writer.VanishedAsync(ct);
            return;
        }
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            await using (file)
            {
                if (item.ParentChecksum is { } parent && file.Length == item.ParentSize)
                {
                    var (size, checksum) = await ChecksumAsync(file, buffer, FrameChecksums.AlgorithmOf(parent), ct);
                    if (size == item.ParentSize && string.Equals(checksum, parent, StringComparison.OrdinalIgnoreCase))
                    {
                        await writer.EndAsync(FrameTag.Unchanged, size, checksum, ct);
                        return;
                    }
                }
                var algorithm = item.Algorithm == FrameChecksums.Crc32C ? FrameChecksums.Crc32C : FrameChecksums.Sha256;
                var parentMap = ParentMapOf(item, algorithm);
                var crcs = item.MapCrcs && algorithm == FrameChecksums.Crc32C && (item.WantsMap || parentMap is not null);
                var masked = PageMask.Applies(item.Path);
                if (item is { MapDelta: true, MapCrcs: true, ParentMap: null, WalBlocks: { } deltaBlocks, WalReadFrom: { } deltaFrom }
                    && algorithm == FrameChecksums.Crc32C)
                {
                    var plan = new WalBlockPlan(deltaBlocks, deltaFrom);
                    var (_, _, _, delta) = await SendPiecesAsync(file, writer, compressor, null, new MapOptions(masked, true, null, plan), algorithm, ct);
                    await writer.MapDeltaAsync(delta!.ToBytes(), ct);
                    await writer.EndAsync(FrameTag.Patched, delta.Length, "", ct);
                    return;
                }
                var carries = crcs && parentMap is { HasCrcs: true } && parentMap.Masked == masked;
                var below = carries && item.UnchangedBelowLsn is { } text && Lsn.TryParse(text, out var lsn) ? lsn.Value : (ulong?)null;
                var (sent, sum, map, _) = await SendPiecesAsync(file, writer, compressor, parentMap, new MapOptions(masked, crcs, below, null), algorithm, ct);
                if (item.WantsMap || parentMap is not null)
                {
                    await writer.MapAsync(map.ToBytes(), ct);
                }
                await writer.EndAsync(parentMap is null ? FrameTag.Stored : FrameTag.Patched, sent, sum, ct);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <param name="Masked">The map hashes table pages masked (<see cref="PageMask"/>; a relation's main fork).</param>
    /// <param name="Crcs">The map records each block's CRC, and the file's checksum is theirs combined
    /// (<see cref="FetchItem.MapCrcs"/>).</param>
    /// <param name="UnchangedBelow">The LSN below which a page is kept from the parent's copy unhashed
    /// (<see cref="FetchItem.UnchangedBelowLsn"/>).</param>
    /// <param name="Plan">Without a parent map (<see cref="FetchItem.MapDelta"/>): the blocks the WAL since the parent's
    /// start touched (<see cref="FetchItem.WalBlocks"/>). Only they, and the blocks from its
    /// <see cref="WalBlockPlan.ReadFrom"/> on, are read and sent, and the map holds those blocks alone
    /// (<see cref="BlockMapDelta"/>).</param>
    private sealed record MapOptions(bool Masked, bool Crcs, ulong? UnchangedBelow, WalBlockPlan? Plan)
    {
        public bool Delta => Plan is not null;
    }

    private static int WholeBlocks(long length) => (int)Math.Min(int.MaxValue, length / BlockMap.BlockSize);

    /// <summary>The parent's map to compare blocks with; a map that does not parse is ignored, and the file is sent
    /// whole (always sound). For a backup server that keeps maps with CRCs, only such a map in CRC-32C: a block left
    /// unsent because its strict (masked) hash matches keeps the parent's bytes, which may differ from what was read in
    /// bytes the mask leaves out, and only the parent's CRC of it makes the file's checksum that of the stored copy.</summary>
    private static BlockMap? ParentMapOf(FetchItem item, string algorithm)
    {
        try
        {
            var map = item.ParentMap is { } bytes ? BlockMap.Parse(bytes) : null;
            return item.MapCrcs && map is not null && !(map.HasCrcs && algorithm == FrameChecksums.Crc32C) ? null : map;
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    private static async Task<(long Size, string Checksum)> ChecksumAsync(FileStream file, byte[] buffer, string algorithm, CancellationToken ct)
    {
        using var hash = new FileChecksum(algorithm);
        var size = 0L;
        int read;
        while ((read = await file.ReadAsync(buffer.AsMemory(0, ChunkSize), ct)) > 0)
        {
            hash.Append(buffer.AsSpan(0, read));
            size += read;
        }
        return (size, hash.ToManifestHex());
    }

    /// <summary>Reads the file in <see cref="ChunkSize"/> pieces (whole blocks of <see cref="BlockMap.BlockSize"/>; with
    /// a <see cref="MapOptions.Plan"/>, only where it says, the blocks between kept from the parent's copy unread),
    /// hashing each in order (the file's checksum in <paramref name="algorithm"/>, unless the map's CRCs make it, and each
    /// block for its <see cref="BlockMap"/>), while the session's <see cref="BlockCompressor"/> threads compress up to
    /// <see cref="InFlight"/> of them at once; sends the compressed pieces in order. Without <paramref name="parentMap"/>
    /// they make the file's lz4 frame; with it, only the blocks whose length or hash differ from the parent's are sent, as
    /// <see cref="BlockPatch"/> records, and with <see cref="MapOptions.UnchangedBelow"/> the pages
    /// <see cref="LsnDelta.Unchanged"/> keeps are not even hashed.</summary>
    private static async Task<(long Size, string Checksum, BlockMap Map, BlockMapDelta? Delta)> SendPiecesAsync(
        FileStream file, FrameWriter writer, BlockCompressor compressor, BlockMap? parentMap, MapOptions options, string algorithm, CancellationToken ct)
    {
        using var hash = options.Crcs ? null : new FileChecksum(algorithm);
        var map = new BlockMapBuilder(options.Masked, options.Crcs);
        var pending = new Queue<(Task<int> Compressed, byte[] Input, byte[] Output)>();
        var size = 0L;
        var fileBlocks = WholeBlocks(file.Length);
        var whole = parentMap is null && !options.Delta;
        var readBlocks = new List<int>();
        var readEnd = 0L;
        try
        {
            if (whole)
            {
                await writer.DataAsync(Lz4BlockFrame.Header, ct);
            }
            foreach (var (first, count) in options.Plan?.Reads(ChunkSize / BlockMap.BlockSize) ?? Sequential())
            {
                var input = ArrayPool<byte>.Shared.Rent(ChunkSize);
                var wanted = count * BlockMap.BlockSize;
                var got = await ReadAtAsync(file, input.AsMemory(0, wanted), first * BlockMap.BlockSize, ct);
                if (got == 0)
                {
                    ArrayPool<byte>.Shared.Return(input);
                    break;
                }
                hash?.Append(input.AsSpan(0, got));
                size += got;
                readEnd = first * BlockMap.BlockSize + got;
                var firstBlock = options.Delta ? (int)first : map.Count;
                byte[] output;
                Task<int> compressed;
                if (whole)
                {
                    map.Append(input.AsSpan(0, got));
                    output = ArrayPool<byte>.Shared.Rent(Lz4BlockFrame.MaxEncodedLength(got));
                    compressed = compressor.CompressAsync(input.AsMemory(0, got), output);
                }
                else
                {
                    var changed = options.Delta
                        ? AppendRead(map, readBlocks, options.Plan!, input.AsSpan(0, got), firstBlock)
                        : AppendOver(map, parentMap!, input.AsSpan(0, got), firstBlock, options);
                    if (changed.Length == 0)
                    {
                        ArrayPool<byte>.Shared.Return(input);
                        if (got < wanted)
                        {
                            break;
                        }
                        continue;
                    }
                    output = ArrayPool<byte>.Shared.Rent(BlockPatch.MaxRecordsLength(changed.Length));
                    var (piece, into) = (input.AsMemory(0, got), output.AsMemory());
                    compressed = compressor.RunAsync(() => BlockPatch.EncodeRecords(piece.Span, firstBlock, changed, into.Span));
                }
                pending.Enqueue((compressed, input, output));
                if (pending.Count >= InFlight(compressor))
                {
                    await SendOldestAsync(pending, writer, ct);
                }
                if (got < wanted)
                {
                    // The file ends here (or was cut short while read: the WAL replayed from the backup's start
                    // truncates it again).
                    break;
                }
            }
            while (pending.Count > 0)
            {
                await SendOldestAsync(pending, writer, ct);
            }
            if (whole)
            {
                await writer.DataAsync(Lz4BlockFrame.EndMark, ct);
            }
        }
        finally
        {
            // A compression still running writes into its buffers: wait for it before they go back to the pool.
            foreach (var (compressed, input, output) in pending)
            {
                await compressed.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                ArrayPool<byte>.Shared.Return(input);
                ArrayPool<byte>.Shared.Return(output);
            }
        }
        var built = map.Build();
        if (options.Delta)
        {
            // The blocks not read are the parent's up to where the plan reads all (or the file ended when opened).
            var length = Math.Max((long)Math.Min(options.Plan!.ReadFrom, fileBlocks) * BlockMap.BlockSize, readEnd);
            return (length, "", built, new BlockMapDelta(length, [.. readBlocks], built));
        }
        return (size, hash?.ToManifestHex() ?? Crc32C.ToManifestHex(built.FileCrc()), built, null);
    }

    /// <summary>Adds the blocks of <paramref name="piece"/> (the first is file block <paramref name="firstBlock"/>) that
    /// <paramref name="plan"/> must read to <paramref name="map"/>, a map of those blocks alone, and their numbers to
    /// <paramref name="blocks"/>; returns their offsets within the piece, all to send. Blocks read only because they lie
    /// between two to read stay the parent's.</summary>
    private static int[] AppendRead(BlockMapBuilder map, List<int> blocks, WalBlockPlan plan, ReadOnlySpan<byte> piece, int firstBlock)
    {
        var send = new List<int>();
        for (var k = 0; k * BlockMap.BlockSize < piece.Length; k++)
        {
            if (plan.MustRead(firstBlock + k))
            {
                map.AppendBlock(piece.Slice(k * BlockMap.BlockSize, Math.Min(BlockMap.BlockSize, piece.Length - k * BlockMap.BlockSize)));
                blocks.Add(firstBlock + k);
                send.Add(k);
            }
        }
        return [.. send];
    }

    /// <summary>The whole file, in reads of <see cref="ChunkSize"/>, until a short one.</summary>
    private static IEnumerable<(long First, int Count)> Sequential()
    {
        const int blocks = ChunkSize / BlockMap.BlockSize;
        for (var first = 0L; ; first += blocks)
        {
            yield return (first, blocks);
        }
    }

    /// <summary>Reads <paramref name="into"/>'s length at <paramref name="offset"/>, fewer only at the file's end.</summary>
    private static async Task<int> ReadAtAsync(FileStream file, Memory<byte> into, long offset, CancellationToken ct)
    {
        var total = 0;
        int read;
        while (total < into.Length && (read = await RandomAccess.ReadAsync(file.SafeFileHandle, into[total..], offset + total, ct)) > 0)
        {
            total += read;
        }
        return total;
    }

    /// <summary>Adds the blocks of <paramref name="piece"/> (the first is file block <paramref name="firstBlock"/>) to
    /// <paramref name="map"/> as an incremental stores them over <paramref name="parentMap"/>: a page
    /// <see cref="LsnDelta.Unchanged"/> keeps is carried unhashed; a block whose strict hash and length equal the
    /// parent's is kept too (its entry takes the parent's CRC, <see cref="BlockMapBuilder.KeepParent"/>); returns the
    /// others, to send: their offsets within the piece, ascending.</summary>
    private static int[] AppendOver(BlockMapBuilder map, BlockMap parentMap, ReadOnlySpan<byte> piece, int firstBlock, MapOptions options)
    {
        var changed = new List<int>();
        for (var k = 0; k * BlockMap.BlockSize < piece.Length; k++)
        {
            var index = firstBlock + k;
            var block = piece.Slice(k * BlockMap.BlockSize, Math.Min(BlockMap.BlockSize, piece.Length - k * BlockMap.BlockSize));
            if (options.UnchangedBelow is { } below && LsnDelta.Unchanged(block, index, parentMap, below))
            {
                map.Carry(parentMap, index);
                continue;
            }
            map.AppendBlock(block);
            if (parentMap.Matches(index, block.Length, map[index]))
            {
                map.KeepParent(parentMap, index);
            }
            else
            {
                changed.Add(k);
            }
        }
        return [.. changed];
    }

    private static async Task SendOldestAsync(Queue<(Task<int> Compressed, byte[] Input, byte[] Output)> pending, FrameWriter writer, CancellationToken ct)
    {
        var (compressed, input, output) = pending.Peek();
        var length = await compressed;
        await writer.DataAsync(output.AsMemory(0, length), ct);
        pending.Dequeue();
        ArrayPool<byte>.Shared.Return(input);
        ArrayPool<byte>.Shared.Return(output);
    }

    /// <summary>Pieces of one file being compressed at once: enough to keep every thread busy on a single large
    /// file while this request sends the previous piece, and a bound on its memory (2 MiB per piece).</summary>
    private static int InFlight(BlockCompressor compressor) => compressor.ThreadCount + 2;
}
