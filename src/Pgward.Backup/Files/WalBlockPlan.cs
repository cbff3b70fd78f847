using Pgward.Backup.Wal.Summary;

namespace Pgward.Backup.Files;

/// <summary>
/// Which blocks of one relation segment file an incremental reads when the WAL since its parent's start names the
/// changed ones (<see cref="WalBlockSummary"/>, as PostgreSQL 17's WAL summaries do): the blocks records touched, and
/// every block from <see cref="ReadFrom"/> on (where the relation was created, truncated or dropped since, or past the
/// end of the parent's copy). The others are kept from the parent's copy without being read. Pure.
/// <para>Why that is sound: every change to a logged relation's main fork that a restore must reproduce is a WAL record
/// naming the block (hint bits, which readers recompute, are the exception). A block no record between the parent's
/// start and this backup's start touched was written to disk by the checkpoint the parent's <c>pg_backup_start</c>
/// waited for, before the parent read it, and holds the same bytes now; a change after this backup's start is replayed
/// from its WAL, which begins with a full image of the page.</para>
/// </summary>
public sealed class WalBlockPlan
{
    /// <summary>Blocks not to read between two that are, read anyway when at most this many: one read of up to 128 KiB
    /// more costs less than a second system call. Those blocks are still kept from the parent's copy.</summary>
    public const int MaxGap = 16;

    /// <summary>Reading WAL for its block references costs about this many times as much as reading table files, byte
    /// for byte: decompressing an archived segment and decoding it took 25-40 ms per 16 MiB where the agent reads a
    /// table's pages and checks their LSN at 0.1-0.3 s per GiB (scale 100, BENCHMARKS.md, issue 16, WAL summaries).</summary>
    public const int WalCostRatio = 8;

    private readonly int[] blocks;

    /// <param name="blocks">Blocks of the file below <paramref name="readFrom"/> to read, ascending.</param>
    /// <param name="readFrom">Every block from this one on is read.</param>
    public WalBlockPlan(IReadOnlyList<int> blocks, int readFrom)
    {
        this.blocks = [.. blocks.Where(b => b >= 0 && b < readFrom)];
        ReadFrom = Math.Max(0, readFrom);
        for (var i = 1; i < this.blocks.Length; i++)
        {
            if (this.blocks[i] <= this.blocks[i - 1])
            {
                throw new ArgumentException("the blocks to read must be ascending, without repeats", nameof(blocks));
            }
        }
    }

    public int ReadFrom { get; }

    public IReadOnlyList<int> Blocks => blocks;

    /// <summary>The plan for file segment <paramref name="segment"/> of a fork with <paramref name="changes"/> (null:
    /// no record touched it), over a parent's copy of <paramref name="parentBlocks"/> whole blocks.</summary>
    public static WalBlockPlan For(ForkChanges? changes, int segment, int parentBlocks)
    {
        var first = (long)segment * RelationFile.SegmentBlocks;
        var limit = changes?.Limit is { } l ? Math.Clamp(l - first, 0, RelationFile.SegmentBlocks) : RelationFile.SegmentBlocks;
        var readFrom = (int)Math.Min(limit, Math.Max(0, parentBlocks));
        var touched = new List<int>();
        if (changes is not null)
        {
            // The blocks are sorted: this segment's start where the first at or past it stands.
            for (var i = FirstAtOrPast(changes.Blocks, first); i < changes.Blocks.Count && changes.Blocks[i] - first < readFrom; i++)
            {
                touched.Add((int)(changes.Blocks[i] - first));
            }
        }
        return new WalBlockPlan(touched, readFrom);
    }

    private static int FirstAtOrPast(IReadOnlyList<uint> sorted, long value)
    {
        var (low, high) = (0, sorted.Count);
        while (low < high)
        {
            var middle = low + (high - low) / 2;
            (low, high) = sorted[middle] < value ? (middle + 1, high) : (low, middle);
        }
        return low;
    }

    /// <summary>Whether <paramref name="walBytes"/> of WAL are worth reading for the blocks they name rather than reading
    /// <paramref name="tableBytes"/> of changed table files whole: after a small change, two segments against a table's
    /// gigabytes; after heavy writing (full page images of a third of a table), the WAL outweighs the table.</summary>
    public static bool WorthReading(long walBytes, long tableBytes) => walBytes <= tableBytes / WalCostRatio;

    /// <summary>How many blocks of a file of <paramref name="fileBlocks"/> blocks the plan sends: the listed ones within
    /// it and every one from <see cref="ReadFrom"/> to its end.</summary>
    public int BlocksSent(int fileBlocks)
    {
        var listed = Array.BinarySearch(blocks, fileBlocks);
        return (listed >= 0 ? listed : ~listed) + Math.Max(0, fileBlocks - ReadFrom);
    }

    /// <summary>Whether block <paramref name="index"/> is to be read (and compared with the parent's copy).</summary>
    public bool MustRead(int index) => index >= ReadFrom || Array.BinarySearch(blocks, index) >= 0;

    /// <summary>The reads, ascending (first block, number of blocks), each at most <paramref name="maxBlocks"/> long:
    /// the listed blocks, two of them in one read when at most <see cref="MaxGap"/> blocks lie between; then, from
    /// <see cref="ReadFrom"/> on, reads without end, which the reader stops at the file's end.</summary>
    public IEnumerable<(long First, int Count)> Reads(int maxBlocks)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBlocks, 1);
        var i = 0;
        while (i < blocks.Length)
        {
            var start = blocks[i];
            var last = start;
            while (++i < blocks.Length && blocks[i] - last <= MaxGap + 1 && blocks[i] - start < maxBlocks)
            {
                last = blocks[i];
            }
            yield return (start, last - start + 1);
        }
        for (long first = ReadFrom; ; first += maxBlocks)
        {
            yield return (first, maxBlocks);
        }
    }
}
