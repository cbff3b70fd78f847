using System.Buffers.Binary;
using System.Text;
using Pgward.Backup.Files;
using Pgward.Backup.Recovery;
using Pgward.Cluster.Backups;

namespace Pgward.Backup.Http;

/// <summary>
/// Writes the answer of <c>POST /backups/{id}/files</c> (<see cref="BlockRuns"/>). A file a files backup stores whole
/// as an <see cref="Lz4BlockFrame"/> goes out as its stored blocks, read and sent as they are: no decompression, no
/// compression, and the agent decodes them on several cores. Any other file (a block patch rebuilt through its chain,
/// an entry of a tar archive, a frame of another shape) is read decompressed and compressed again block by block. Of a
/// file asked for in pages, only the blocks that hold them go; with <paramref name="pageRuns"/> (the client reads page
/// runs), a block of which some pages are not wanted is decoded and only its wanted pages go, each compressed apart.
/// The archives are read synchronously (see <see cref="BackupRestorer"/>), the network written asynchronously.
/// </summary>
/// <remarks>Why pages: after 30 s of pgbench at scale 20, a delta asked for 12,126 of 32,787 pages, which lay in 95 % of
/// the 64 KiB blocks; the blocks would send and write nearly the whole table again.</remarks>
internal sealed class BlockRunSender(Stream output, bool pageRuns = false)
{
    private const int PagesPerBlock = BlockRuns.BlockSize / BlockRuns.PageSize;

    private readonly byte[] run = new byte[BlockRuns.MaxRunLength];
    private readonly byte[] block = new byte[4 + BlockRuns.BlockSize];
    private readonly byte[] raw = new byte[BlockRuns.BlockSize];
    private readonly byte[] decoded = new byte[BlockRuns.BlockSize];
    private readonly byte[] header = new byte[1 + 2 + 4 * 1024 + 20];

    public Task DirectoryAsync(string path, CancellationToken ct) => RecordAsync(BlockRuns.Directory, path, null, ct);

    public Task SymlinkAsync(string path, string target, CancellationToken ct) => RecordAsync(BlockRuns.Symlink, path, target, ct);

    public Task EndAsync(CancellationToken ct) => output.WriteAsync(new[] { BlockRuns.End }, ct).AsTask();

    /// <summary>Sends the file whole (<paramref name="pages"/> null) or the blocks holding those pages; returns the
    /// bytes those blocks decode to. Throws <see cref="InvalidDataException"/> when the stored copy does not hold the
    /// manifest's size, or a page is past the file's end.</summary>
    public async Task<long> FileAsync(RestoreSourceEntry entry, IReadOnlyList<int>? pages, CancellationToken ct)
    {
        var wantedPages = pages is null ? null : WantedPages(entry.Path, pages, entry.Size);
        var wanted = wantedPages is null ? null : WantedBlocks(wantedPages, entry.Size);
        var blocks = StoredFrameOf(entry) is { } frame ? FrameBlocks(entry.Path, frame, entry.Size, wanted) : EncodedBlocks(entry, wanted);
        var (count, first, used, sent) = (0, 0, 0, 0L);
        var any = false;
        foreach (var (index, length) in blocks)
        {
            var pagesOnly = PagesOnly(wantedPages, index);
            if (count > 0 && (index != first + count || count == BlockRuns.MaxBlocksPerRun || pagesOnly))
            {
                await RunAsync(BlockRuns.FileRun, entry, (long)first * BlockRuns.BlockSize, used, ct);
                (count, used, any) = (0, 0, true);
            }
            if (pagesOnly)
            {
                sent += await PagesAsync(entry, index, length, wantedPages!, ct);
                any = true;
                continue;
            }
            if (count == 0)
            {
                first = index;
            }
            block.AsSpan(0, length).CopyTo(run.AsSpan(used));
            used += length;
            count++;
            sent += BlockRuns.BlockLength(entry.Size, index);
        }
        if (count > 0 || (!any && wanted is null))
        {
            // A whole file has at least one run: an empty one makes an empty file.
            await RunAsync(BlockRuns.FileRun, entry, (long)first * BlockRuns.BlockSize, used, ct);
        }
        return sent;
    }

    /// <summary>Whether block <paramref name="index"/> goes as page runs: the client reads them and some of the block's
    /// pages are not wanted.</summary>
    private bool PagesOnly(bool[]? wantedPages, int index)
    {
        if (!pageRuns || wantedPages is null)
        {
            return false;
        }
        var (first, end) = (index * PagesPerBlock, Math.Min((index + 1) * PagesPerBlock, wantedPages.Length));
        return wantedPages.AsSpan(first, end - first).Contains(false);
    }

    /// <summary>Sends the wanted pages of block <paramref name="index"/> (in <see cref="block"/>, its header and
    /// <paramref name="length"/> bytes in all) as page runs, a run for each stretch of consecutive wanted pages;
    /// returns the bytes they decode to.</summary>
    private async Task<long> PagesAsync(RestoreSourceEntry entry, int index, int length, bool[] wantedPages, CancellationToken ct)
    {
        var bytes = BlockRuns.Decode(block.AsSpan(0, length), index, entry.Size, decoded);
        var firstPage = index * PagesPerBlock;
        var pageCount = PageDelta.PagesOf(bytes);
        var sent = 0L;
        for (var page = 0; page < pageCount;)
        {
            if (!wantedPages[firstPage + page])
            {
                page++;
                continue;
            }
            var (start, used) = (page, 0);
            for (; page < pageCount && wantedPages[firstPage + page]; page++)
            {
                var offset = page * BlockRuns.PageSize;
                var one = decoded.AsSpan(offset, Math.Min(BlockRuns.PageSize, bytes - offset));
                used += BlockRuns.Encode(one, run.AsSpan(used));
                sent += one.Length;
            }
            await RunAsync(BlockRuns.PageRun, entry, (long)(firstPage + start) * BlockRuns.PageSize, used, ct);
        }
        return sent;
    }

    private async Task RunAsync(byte kind, RestoreSourceEntry entry, long offset, int length, CancellationToken ct)
    {
        var at = WriteHeader(kind, entry.Path);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(at), entry.Size);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(at + 8), offset);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(at + 16), length);
        await output.WriteAsync(header.AsMemory(0, at + 20), ct);
        await output.WriteAsync(run.AsMemory(0, length), ct);
    }

    private async Task RecordAsync(byte kind, string path, string? target, CancellationToken ct)
    {
        var at = WriteHeader(kind, path);
        if (target is not null)
        {
            at = WriteString(target, at);
        }
        await output.WriteAsync(header.AsMemory(0, at), ct);
    }

    private int WriteHeader(byte kind, string path)
    {
        header[0] = kind;
        return WriteString(path, 1);
    }

    private int WriteString(string value, int at)
    {
        var length = Encoding.UTF8.GetBytes(value, header.AsSpan(at + 2, 1024));
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(at), (ushort)length);
        return at + 2 + length;
    }

    private static bool[] WantedPages(string path, IReadOnlyList<int> pages, long size)
    {
        var wanted = new bool[PageDelta.PagesOf(size)];
        foreach (var page in pages)
        {
            if (page < 0 || page >= wanted.Length)
            {
                throw new InvalidDataException($"page {page} of {path} was asked for, past its {size} bytes");
            }
            wanted[page] = true;
        }
        return wanted;
    }

    private static bool[] WantedBlocks(bool[] wantedPages, long size)
    {
        var wanted = new bool[BlockRuns.BlocksOf(size)];
        for (var page = 0; page < wantedPages.Length; page++)
        {
            wanted[page / PagesPerBlock] |= wantedPages[page];
        }
        return wanted;
    }

    /// <summary>The stored lz4 frame, when it is one of <see cref="Lz4BlockFrame"/>'s shape: its header, then blocks,
    /// then the end mark.</summary>
    private static string? StoredFrameOf(RestoreSourceEntry entry)
    {
        if (entry.StoredFrame is not { } path)
        {
            return null;
        }
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        var length = RandomAccess.GetLength(file);
        var expected = Lz4BlockFrame.Header.Span;
        Span<byte> start = stackalloc byte[expected.Length];
        Span<byte> end = stackalloc byte[4];
        return length >= expected.Length + 4 && RandomAccess.Read(file, start, 0) == start.Length && start.SequenceEqual(expected)
            && RandomAccess.Read(file, end, length - 4) == 4 && BinaryPrimitives.ReadUInt32LittleEndian(end) == 0
            ? path : null;
    }

    /// <summary>The stored frame's blocks (those wanted), each with its header into <see cref="block"/>: index and length.</summary>
    private IEnumerable<(int Index, int Length)> FrameBlocks(string path, string frame, long size, bool[]? wanted)
    {
        using var file = new FileStream(frame, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        file.Position = Lz4BlockFrame.Header.Length;
        var count = BlockRuns.BlocksOf(size);
        for (var i = 0; i < count; i++)
        {
            file.ReadExactly(block.AsSpan(0, 4));
            var length = (int)(BinaryPrimitives.ReadUInt32LittleEndian(block) & ~BlockRuns.RawFlag);
            if (BinaryPrimitives.ReadUInt32LittleEndian(block) == 0 || length > BlockRuns.BlockSize)
            {
                throw new InvalidDataException($"{path}: its stored copy ends after {i} blocks, its manifest says {size} bytes");
            }
            if (wanted is null || wanted[i])
            {
                file.ReadExactly(block.AsSpan(4, length));
                yield return (i, 4 + length);
            }
            else
            {
                file.Seek(length, SeekOrigin.Current);
            }
        }
        file.ReadExactly(block.AsSpan(0, 4));
        if (BinaryPrimitives.ReadUInt32LittleEndian(block) != 0)
        {
            throw new InvalidDataException($"{path}: its stored copy has more blocks than its manifest's {size} bytes");
        }
    }

    /// <summary>The file's bytes compressed block by block (those wanted), each with its header into <see cref="block"/>.</summary>
    private IEnumerable<(int Index, int Length)> EncodedBlocks(RestoreSourceEntry entry, bool[]? wanted)
    {
        var data = entry.Data ?? Stream.Null;
        var total = 0L;
        for (var i = 0; ; i++)
        {
            var read = data.ReadAtLeast(raw, BlockRuns.BlockSize, throwOnEndOfStream: false);
            total += read;
            if (read == 0 || total > entry.Size)
            {
                break;
            }
            if (wanted is null || wanted[i])
            {
                yield return (i, BlockRuns.Encode(raw.AsSpan(0, read), block));
            }
            if (read < BlockRuns.BlockSize)
            {
                break;
            }
        }
        if (total != entry.Size)
        {
            throw new InvalidDataException($"{entry.Path}: the backup holds {total} bytes of it, its manifest says {entry.Size}");
        }
    }
}
