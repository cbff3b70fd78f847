using System.Globalization;
using Pgward.Backup.Wal.Summary;
using Pgward.Cluster.Backups;

namespace Pgward.Backup.Files;

/// <summary>
/// Which relation and which 1 GiB segment of it a data directory file holds, in the terms WAL names blocks by: a main
/// fork's path (<see cref="PageMask.Applies"/>) <c>base/DB/REL[.N]</c> is in the default tablespace (OID 1663),
/// <c>global/REL[.N]</c> in the global one (1664, database 0), <c>pg_tblspc/SPC/PG_15_.../DB/REL[.N]</c> in tablespace
/// SPC. Segment N holds the relation's blocks from N × <see cref="SegmentBlocks"/> on. Pure.
/// </summary>
public static class RelationFile
{
    /// <summary>Blocks in a relation segment file: PostgreSQL's RELSEG_SIZE for 8 KiB blocks and 1 GiB segments,
    /// the build every packaged server has (<c>SHOW segment_size</c> says 1GB).</summary>
    public const int SegmentBlocks = 131072;

    private const uint DefaultTablespace = 1663;

    /// <summary>Whether the server's files are laid out as this class reads them: 8 KiB pages, 1 GiB segments. A server
    /// built otherwise (<c>--with-blocksize</c>, <c>--with-segsize</c>), or an agent that does not say, gets no plan by
    /// the WAL: its block numbers would name other files' pages.</summary>
    public static bool Fits(SessionStartReply start) => start.BlockSize == BlockMap.BlockSize && start.SegmentBlocks == SegmentBlocks;

    private const uint GlobalTablespace = 1664;

    /// <summary>The relation and segment of a main fork's file; false for any other path (or numbers out of range).</summary>
    public static bool TryParse(string path, out RelFileId file, out int segment)
    {
        file = default;
        segment = 0;
        if (!PageMask.Applies(path))
        {
            return false;
        }
        var parts = path.Split('/');
        var name = parts[^1];
        var dot = name.IndexOf('.', StringComparison.Ordinal);
        if (dot >= 0 && !int.TryParse(name.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out segment))
        {
            return false;
        }
        var (tablespace, database) = parts[0] switch
        {
            "global" => (GlobalTablespace.ToString(CultureInfo.InvariantCulture), "0"),
            "base" => (DefaultTablespace.ToString(CultureInfo.InvariantCulture), parts[1]),
            _ => (parts[1], parts[3]),
        };
        if (!Oid(tablespace, out var spc) || !Oid(database, out var db) || !Oid(dot >= 0 ? name[..dot] : name, out var relation)
            || (long)segment * SegmentBlocks > uint.MaxValue)
        {
            return false;
        }
        file = new RelFileId(spc, db, relation);
        return true;
    }

    private static bool Oid(string text, out uint oid) => uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out oid);
}
