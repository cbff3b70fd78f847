using System.Buffers;
using Pgward.Backup.Checks;
using Pgward.Backup.Files;
using Pgward.Core.Checksums;

namespace Pgward.Agent.Backups;

/// <summary>
/// Reads one file of the data directory for a files backup and writes its frames (<see cref="FrameTag"/>): its bytes
/// as an <see cref="Lz4BlockFrame"/> (compressed by the session's <see cref="BlockCompressor"/>), then its size and
/// the checksum of what was read (CRC-32C when the backup server asks for it, else SHA-256: <see cref="FetchItem.Algorithm"/>).
/// A file with the size and checksum the backup server gave (its parent backup's copy, in the parent's algorithm)
/// is answered "unchanged" without its bytes: one read to checksum, a second only when it did change. Given the parent's
/// <see cref="BlockMap"/>, a changed file is sent as the blocks that differ from it (<see cref="BlockPatch"/> records),
/// with its new map; the checksum still covers every byte read, so the file the backup server rebuilds is checked against
/// what was read here. PostgreSQL may write a file while it is read; the WAL replayed from the backup's start repairs
/// that, as for pg_basebackup.
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
                    file.Position = 0;
                }
                var parentMap = ParentMapOf(item);
                var algorithm = item.Algorithm == FrameChecksums.Crc32C ? FrameChecksums.Crc32C : FrameChecksums.Sha256;
                var (sent, sum, map) = await SendPiecesAsync(file, writer, compressor, parentMap, algorithm, ct);
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

    /// <summary>The parent's map to compare blocks with; a map that does not parse is ignored, and the file is sent
    /// whole (always sound).</summary>
    private static BlockMap? ParentMapOf(FetchItem item)
    {
        try
        {
            return item.ParentMap is { } bytes ? BlockMap.Parse(bytes) : null;
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

    /// <summary>Reads the file in <see cref="ChunkSize"/> pieces (whole blocks of <see cref="BlockMap.BlockSize"/>) and
    /// hands each to the session's <see cref="BlockCompressor"/> threads, up to <see cref="InFlight"/> at once: a thread
    /// hashes the piece's blocks (for the <see cref="BlockMap"/>), takes its CRC-32C, and compresses it; this request
    /// sends the pieces in order, adds their hashes to the map and joins their CRCs (<see cref="Crc32C.Combine"/>)
    /// into the file's. The reading thread thus only reads: a 1 GiB segment's checksum and map are computed by every
    /// thread, not by the one that reads it. Without <paramref name="parentMap"/> the pieces make the file's lz4 frame;
    /// with it, only the blocks whose length or hash differ from the parent's are sent, as <see cref="BlockPatch"/>
    /// records. A SHA-256 (<paramref name="algorithm"/>, asked by an older backup server) cannot be split: it is
    /// computed here, in order, as before.</summary>
    private static async Task<(long Size, string Checksum, BlockMap Map)> SendPiecesAsync(
        FileStream file, FrameWriter writer, BlockCompressor compressor, BlockMap? parentMap, string algorithm, CancellationToken ct)
    {
        var crc = algorithm == FrameChecksums.Crc32C;
        using var sha = crc ? null : new FileChecksum(algorithm);
        var sum = new PieceSum();
        var pending = new Queue<Piece>();
        var size = 0L;
        var blocks = 0;
        try
        {
            if (parentMap is null)
            {
                await writer.DataAsync(Lz4BlockFrame.Header, ct);
            }
            while (true)
            {
                var input = ArrayPool<byte>.Shared.Rent(ChunkSize);
                var read = await file.ReadAtLeastAsync(input.AsMemory(0, ChunkSize), ChunkSize, throwOnEndOfStream: false, ct);
                if (read == 0)
                {
                    ArrayPool<byte>.Shared.Return(input);
                    break;
                }
                sha?.Append(input.AsSpan(0, read));
                size += read;
                var piece = new Piece(input, read, blocks, ArrayPool<byte>.Shared.Rent(parentMap is null
                    ? Lz4BlockFrame.MaxEncodedLength(read)
                    : BlockPatch.MaxRecordsLength(BlockMap.BlocksOf(read))));
                blocks += BlockMap.BlocksOf(read);
                piece.Encoded = compressor.RunAsync(() => piece.Encode(parentMap, crc));
                pending.Enqueue(piece);
                if (pending.Count >= InFlight(compressor))
                {
                    await SendOldestAsync(pending, writer, sum, ct);
                }
            }
            while (pending.Count > 0)
            {
                await SendOldestAsync(pending, writer, sum, ct);
            }
            if (parentMap is null)
            {
                await writer.DataAsync(Lz4BlockFrame.EndMark, ct);
            }
        }
        finally
        {
            // A compression still running writes into its buffers: wait for it before they go back to the pool.
            foreach (var piece in pending)
            {
                await piece.Encoded.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                piece.Return();
            }
        }
        return (size, sha?.ToManifestHex() ?? Crc32C.FromValue(sum.Crc).ToManifestHex(), sum.Map.Build());
    }

    private static async Task SendOldestAsync(Queue<Piece> pending, FrameWriter writer, PieceSum sum, CancellationToken ct)
    {
        var piece = pending.Peek();
        var length = await piece.Encoded;
        sum.Map.AppendHashes(piece.Hashes, piece.Length);
        sum.Crc = Crc32C.Combine(sum.Crc, piece.Crc, piece.Length);
        if (length > 0)
        {
            await writer.DataAsync(piece.Output.AsMemory(0, length), ct);
        }
        pending.Dequeue();
        piece.Return();
    }

    /// <summary>The file's map and CRC-32C so far, from the pieces sent.</summary>
    private sealed class PieceSum
    {
        public BlockMapBuilder Map { get; } = new();

        public uint Crc { get; set; }
    }

    /// <summary>One piece of a file: its bytes (<paramref name="input"/>, <paramref name="length"/> of them), the number of
    /// its first block in the file, and the buffer its compressed form goes to. <see cref="Encode"/> runs on a
    /// <see cref="BlockCompressor"/> thread; its results are read once <see cref="Encoded"/> completed.</summary>
    private sealed class Piece(byte[] input, int length, int firstBlock, byte[] output)
    {
        public int Length => length;

        public byte[] Output => output;

        public Task<int> Encoded { get; set; } = Task.FromResult(0);

        public ulong[] Hashes { get; private set; } = [];

        public uint Crc { get; private set; }

        /// <summary>Hashes the blocks, takes the CRC-32C (when <paramref name="crc"/>), and compresses: the piece whole
        /// (no <paramref name="parentMap"/>), or the blocks that differ from the parent's as patch records (none: 0
        /// bytes). Gives the bytes written to <see cref="Output"/>.</summary>
        public int Encode(BlockMap? parentMap, bool crc)
        {
            var data = input.AsSpan(0, length);
            Hashes = BlockMapBuilder.HashBlocks(data);
            if (crc)
            {
                Crc = Crc32C.Of(data);
            }
            if (parentMap is null)
            {
                return Lz4BlockFrame.Encode(data, output);
            }
            var changed = parentMap.Differing(Hashes, firstBlock, length);
            return changed.Length == 0 ? 0 : BlockPatch.EncodeRecords(data, firstBlock, changed, output);
        }

        public void Return()
        {
            ArrayPool<byte>.Shared.Return(input);
            ArrayPool<byte>.Shared.Return(output);
        }
    }

    /// <summary>Pieces of one file being compressed at once: enough to keep every thread busy on a single large
    /// file while this request sends the previous piece, and a bound on its memory (2 MiB per piece).</summary>
    private static int InFlight(BlockCompressor compressor) => compressor.ThreadCount + 2;
}
