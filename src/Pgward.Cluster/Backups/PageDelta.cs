using System.Buffers.Binary;
using System.IO.Hashing;

namespace Pgward.Cluster.Backups;

/// <summary>
/// Block-level delta: which pages of a local file differ from the backup's copy, by the copy's block map
/// (<see cref="RestoreBlockMap"/>: XxHash3 of every 8 KiB page, recorded as the backup read the file). A map is used
/// only when it is of this algorithm and page size and of the file's length (the local file's length too: a file of
/// another size is fetched whole); otherwise the file is compared whole by its manifest checksum. Pure.
/// </summary>
public static class PageDelta
{
    public const string Algorithm = "XXH3-64";

    /// <summary>Files from this size (1 MiB) have a block map in a files backup; smaller ones are compared whole.</summary>
    public const long MapThreshold = 1L << 20;

    /// <summary>Pages hashed per piece of work: 8 MiB.</summary>
    public const int PagesPerPiece = 1024;

    public static int PagesOf(long length) => checked((int)((length + BlockRuns.PageSize - 1) / BlockRuns.PageSize));

    /// <summary>Whether <paramref name="map"/> can be compared with a local file of <paramref name="size"/> bytes.</summary>
    public static bool Usable(RestoreBlockMap map, long size) =>
        map.Algorithm == Algorithm && map.PageSize == BlockRuns.PageSize && map.Length == size && map.Hashes.Length == 8L * PagesOf(size);

    /// <summary>Adds to <paramref name="differing"/> the pages of <paramref name="data"/> (the file's bytes from page
    /// <paramref name="firstPage"/>, whole pages but at the file's end) whose hash is not the map's.</summary>
    public static void Compare(ReadOnlySpan<byte> data, int firstPage, RestoreBlockMap map, List<int> differing)
    {
        for (var (page, offset) = (firstPage, 0); offset < data.Length; page++, offset += BlockRuns.PageSize)
        {
            var bytes = data.Slice(offset, Math.Min(BlockRuns.PageSize, data.Length - offset));
            var recorded = BinaryPrimitives.ReadUInt64LittleEndian(map.Hashes.AsSpan(8 * page));
            if (XxHash3.HashToUInt64(bytes) != recorded)
            {
                differing.Add(page);
            }
        }
    }

    /// <summary>Whether a file with <paramref name="differing"/> of <paramref name="pages"/> pages changed is better
    /// fetched whole: when more than three quarters changed, the runs would cover it all anyway.</summary>
    public static bool FetchWhole(int differing, int pages) => differing * 4L > pages * 3L;
}
