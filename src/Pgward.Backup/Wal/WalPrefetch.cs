using System.Security.Cryptography;
using System.Text;

namespace Pgward.Backup.Wal;

/// <summary>
/// What <c>backup wal-fetch</c> fetches ahead and what its spool no longer needs. Recovery asks for segments in order
/// and one at a time; fetching the next ones of the same timeline with the one asked for (<c>wal_fetch_parallel</c>)
/// turns a round trip per segment into one per batch. Spool entries are named as the segment they hold.
/// </summary>
public static class WalPrefetch
{
    /// <summary>The smallest WAL segment size PostgreSQL allows (1 MB): parsing a name with it accepts every segment name.</summary>
    public const long MinSegmentSize = 1024 * 1024;

    /// <summary>The largest (1 GB).</summary>
    public const long MaxSegmentSize = 1024L * 1024 * 1024;

    /// <summary>The segments after <paramref name="walFileName"/> on its timeline to fetch with it: <paramref name="parallel"/>
    /// minus one of them; none for a history file or a <c>.partial</c> (the end of a timeline), or with parallel 0 or 1.</summary>
    public static IReadOnlyList<string> Ahead(string walFileName, int parallel, long segmentSize)
    {
        if (parallel <= 1 || !WalSegment.TryParse(walFileName, segmentSize, out var segment))
        {
            return [];
        }
        var names = new List<string>(parallel - 1);
        for (var next = segment.Next; names.Count < parallel - 1; next = next.Next)
        {
            names.Add(next.Name(segmentSize));
        }
        return names;
    }

    /// <summary>
    /// The spool entries to remove once <paramref name="served"/>, a segment, was given to recovery: recovery has moved
    /// on to it, so segments before it (on any timeline) will not be asked again, and those of another timeline were
    /// fetched ahead on a path recovery did not take. Anything else in the spool that is not a segment name (a
    /// temporary file a killed run left) goes too. Nothing is stale after a history file or <c>.partial</c>.
    /// </summary>
    public static IReadOnlyList<string> Stale(string served, IEnumerable<string> entries, long segmentSize)
    {
        if (!WalSegment.TryParse(served, segmentSize, out var current))
        {
            return [];
        }
        return [.. entries.Where(entry => !WalSegment.TryParse(entry, segmentSize, out var spooled)
            || spooled.Timeline != current.Timeline || spooled.Number <= current.Number)];
    }

    /// <summary>Whether <paramref name="size"/> is a WAL segment size PostgreSQL can have: a power of two from 1 MB to 1 GB.</summary>
    public static bool IsSegmentSize(long size) => size is >= MinSegmentSize and <= MaxSegmentSize && (size & (size - 1)) == 0;

    /// <summary>The default spool directory of a node (<c>wal_fetch_spool_directory = ''</c>): in /var/tmp, named by the
    /// node and its data directory, so that two nodes on one host (or two clusters' nodes of the same name) never share one.</summary>
    public static string DefaultSpoolDirectory(string nodeName, string dataDirectory)
    {
        var safe = new string([.. nodeName.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_')]);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.TrimEndingDirectorySeparator(dataDirectory))))[..12];
        return Path.Combine("/var/tmp", $"pgward-wal-spool-{safe}-{hash}");
    }
}
