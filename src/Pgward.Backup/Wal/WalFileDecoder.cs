using Pgward.Cluster.Backups;
using Pgward.Cluster.Timelines;

namespace Pgward.Backup.Wal;

/// <summary>
/// Turns what the backup server sent for a WAL file (or what the spool kept of it) into the file PostgreSQL gets, and
/// refuses it when it is not that file: a segment must decode in full from one checksummed zstd frame to a valid
/// segment size, and its first page header must name this segment's position and that size (<see cref="SegmentCodec"/>,
/// the archive's own check); a history file must parse. A truncated or mixed-up file is damage, never a shorter WAL.
/// </summary>
public static class WalFileDecoder
{
    /// <param name="encoding"><see cref="WalFileHeaders.Zstd"/> or <see cref="WalFileHeaders.Identity"/>.</param>
    /// <param name="size">The decoded size the server announced.</param>
    public static (byte[]? Content, string? Problem) Decode(string walFileName, byte[] body, string? encoding, long size)
    {
        if (encoding == WalFileHeaders.Identity)
        {
            if (body.LongLength != size)
            {
                return (null, $"{walFileName} arrived with {body.LongLength} bytes instead of {size}");
            }
            if (!walFileName.EndsWith(".history", StringComparison.Ordinal))
            {
                return (null, $"{walFileName} arrived uncompressed, which only a history file may");
            }
            try
            {
                TimelineHistory.Parse(System.Text.Encoding.UTF8.GetString(body));
                return (body, null);
            }
            catch (FormatException e)
            {
                return (null, $"history file {walFileName} is damaged: {e.Message}");
            }
        }
        if (encoding != WalFileHeaders.Zstd)
        {
            return (null, $"{walFileName} arrived in an unknown encoding \"{encoding}\"");
        }
        if (!WalPrefetch.IsSegmentSize(size))
        {
            return (null, $"{walFileName} is announced with {size} bytes, which is no WAL segment size");
        }
        var segmentName = walFileName.EndsWith(".partial", StringComparison.Ordinal) ? walFileName[..^".partial".Length] : walFileName;
        if (!WalSegment.TryParse(segmentName, size, out var segment))
        {
            return (null, $"{walFileName} is not the name of a segment of {size} bytes");
        }
        var (content, problem) = SegmentCodec.Decompress(body, size, segment.Start(size).Value);
        return content is null ? (null, $"{walFileName} is damaged: {problem}") : (content, null);
    }
}
