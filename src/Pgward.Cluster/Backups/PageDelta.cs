using System.Buffers.Binary;
using System.IO.Hashing;

namespace Pgward.Cluster.Backups;

/// <summary>
/// Block-level delta: which pages of a local file differ from the backup's copy, by the copy's block map
/// (<see cref="RestoreBlockMap"/>: XxHash3 of every 8 KiB page, recorded as the backup read the file). A map is used
/// only when it is of this algorithm and page size and of the backup copy's length; otherwise the file is compared whole
/// by its manifest checksum. A map of a relation's main fork hashes table pages masked (<see cref="PageMask"/>), so a
/// standby's copy of a page matches the primary's. A local file of another length (a table that grew or was truncated
/// since) is compared over the pages both hold whole; the backup's pages past the local end differ, and the file is cut
/// or extended to the backup's length. Pure.
/// </summary>
public static class PageDelta
{
    public const string Algorithm = "XXH3-64";

    /// <summary>XxHash3 of table pages masked (<see cref="PageMask"/>), of other pages as they are: a relation's main fork.</summary>
    public const string MaskedAlgorithm = "XXH3-64-PAGEMASK";

    /// <summary>Files from this size (1 MiB) have a block map in a files backup; smaller ones are compared whole.</summary>
    public const long MapThreshold = 1L << 20;

    /// <summary>Pages hashed per piece of work: 8 MiB.</summary>
    public const int PagesPerPiece = 1024;

    public static int PagesOf(long length) => checked((int)((length + BlockRuns.PageSize - 1) / BlockRuns.PageSize));

    /// <summary>Whether <paramref name="map"/> can be compared with a local file of <paramref name="size"/> bytes.</summary>
    public static bool Usable(RestoreBlockMap map, long size) =>
        (map.Algorithm == Algorithm || (map.Algorithm == MaskedAlgorithm && map.Loose?.Length == 8L * PagesOf(size)))
        && map.PageSize == BlockRuns.PageSize && map.Length == size && map.Hashes.Length == 8L * PagesOf(size);

    /// <summary>Of the <paramref name="length"/> bytes of the backup's copy from <paramref name="offset"/> (whole pages
    /// but at its end, <paramref name="backupLength"/>), how many from the start a local file of
    /// <paramref name="localLength"/> bytes holds as whole pages of the backup's: the bytes <see cref="Compare"/> can
    /// judge. The pages after them differ.</summary>
    public static int ComparableLength(long backupLength, long localLength, long offset, int length)
    {
        var end = Math.Min(offset + length, localLength);
        if (end < Math.Min(offset + length, backupLength))
        {
            end -= end % BlockRuns.PageSize;
        }
        return (int)Math.Max(0, end - offset);
    }

    /// <summary>Adds to <paramref name="differing"/> the pages of <paramref name="data"/> (the file's bytes from page
    /// <paramref name="firstPage"/>, whole pages but at the file's end) whose hash is not the map's.</summary>
    /// <param name="endedBefore">The backup's transaction horizon (<see cref="RestoreManifest.EndedBeforeXid"/>): a page
    /// matching a masked map only loosely is kept when its commit hints all precede it; null: never.</param>
    public static void Compare(ReadOnlySpan<byte> data, int firstPage, RestoreBlockMap map, List<int> differing, uint? endedBefore = null)
    {
        var masked = map.Algorithm == MaskedAlgorithm;
        Span<byte> scratch = masked ? new byte[PageMask.PageSize] : [];
        for (var (page, offset) = (firstPage, 0); offset < data.Length; page++, offset += BlockRuns.PageSize)
        {
            var bytes = data.Slice(offset, Math.Min(BlockRuns.PageSize, data.Length - offset));
            var recorded = BinaryPrimitives.ReadUInt64LittleEndian(map.Hashes.AsSpan(8 * page));
            if (!(masked ? SameMasked(bytes, scratch, recorded, BinaryPrimitives.ReadUInt64LittleEndian(map.Loose.AsSpan(8 * page)), endedBefore)
                    : XxHash3.HashToUInt64(bytes) == recorded))
            {
                differing.Add(page);
            }
        }
    }

    /// <summary>A local page matches the backup's masked copy: strictly, or loosely (hint bits apart) when its hints that
    /// a transaction committed all name one that had ended before the backup (<see cref="PageMask"/>): a later one's
    /// commit may lie past the recovery target.</summary>
    private static bool SameMasked(ReadOnlySpan<byte> page, Span<byte> scratch, ulong strict, ulong loose, uint? endedBefore)
    {
        var (localStrict, masked) = PageMask.StrictHash(page, scratch);
        return localStrict == strict
            || (masked && endedBefore is { } horizon && PageMask.LooseHash(scratch) == loose && PageMask.CommitHintsBefore(page, horizon));
    }

    /// <summary>Whether a file with <paramref name="differing"/> of <paramref name="pages"/> pages changed is better
    /// fetched whole: when more than three quarters changed, the runs would cover it all anyway.</summary>
    public static bool FetchWhole(int differing, int pages) => differing * 4L > pages * 3L;
}
