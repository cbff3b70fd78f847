using System.Buffers.Binary;
using Pgward.Backup.Base;
using Pgward.Backup.Catalog;
using Pgward.Cluster.Backups;
using Pgward.Core.Postgres;

namespace Pgward.Backup.Files;

/// <summary>
/// When an incremental may keep a page of the parent's copy because of its LSN alone, without hashing it, as
/// pg_probackup's DELTA mode does. The page is still read (its LSN is in it); PostgreSQL 17's WAL summaries, which know
/// the changed pages without reading any, would be the next step.
/// <para><b>Why it is sound.</b> Every change to a page of a relation's main fork that a restore must reproduce is
/// WAL-logged and sets the page's LSN to its record's end. A page whose LSN is below the parent's start was last changed
/// before the parent began; the checkpoint that <c>pg_backup_start</c> waited for had written it to disk, and nothing
/// logged changed it since, so the parent read the bytes it holds now, but for what is never logged:</para>
/// <list type="bullet">
/// <item>hint bits on tuples and index items, which readers recompute (PostgreSQL 17's incremental backups rely on the
/// same);</item>
/// <item><c>PD_ALL_VISIBLE</c>, which vacuum sets without a new page LSN unless hints are logged: compared with the
/// parent's copy's flag (<see cref="BlockMap.Flags"/>), and a page whose flag changed is hashed.</item>
/// </list>
/// <para>What breaks the rule is refused for the whole backup or the file:</para>
/// <list type="bullet">
/// <item>another node, or another timeline, than the parent's: a page's LSN is a place in one history, and a node that
/// was promoted, rewound, re-cloned onto a new timeline or restored has another (<see cref="Threshold"/>);</item>
/// <item><c>pg_checksums --enable</c> (or <c>--disable</c>), which rewrites every page and keeps its LSN: the
/// <c>data_checksums</c> setting must be the parent's;</item>
/// <item>a database directory made anew since the parent (<c>CREATE DATABASE ... STRATEGY FILE_COPY</c> copies a
/// template's pages with their old LSNs; a re-clone or a rewind writes <c>PG_VERSION</c> again): its
/// <c>PG_VERSION</c> must have the parent's size and modification time (<see cref="Applies"/>);</item>
/// <item>a page of LSN 0 (new, never logged: a relation extended in bulk) or not a page at all; a block past the
/// parent's copy's end.</item>
/// </list>
/// Pure.
/// </summary>
public static class LsnDelta
{
    private const ushort PageSizeAndVersion = BlockMap.BlockSize | 4; // pd_pagesize_version, layout 4

    /// <summary>The LSN below which this backup's pages are kept from <paramref name="parent"/> unhashed; null when no
    /// page may be (see the class): no parent, a parent of another node or timeline, or a <c>data_checksums</c> setting
    /// that is not the parent's, or either unknown.</summary>
    public static Lsn? Threshold(BackupInfo? parent, string sourceNode, SessionStartReply start) =>
        parent is { Method: BackupMethod.Files, BeginLsn.IsValid: true, DataChecksums: { } before }
        && parent.SourceNode == sourceNode
        && start.Timeline is { } timeline && timeline == parent.Timeline
        && start.DataChecksums is { } now && now == before
            ? parent.BeginLsn
            : null;

    /// <summary>Whether <paramref name="file"/> is a relation's main fork of whole pages whose database directory is the
    /// one the parent read: its <c>PG_VERSION</c> (the data directory's own for <c>global/</c>) listed now with the size
    /// and modification second the parent's manifest recorded.</summary>
    /// <param name="listed">The files listed now, by path.</param>
    /// <param name="parentEntry">The parent manifest's entry of a path, null when it has none.</param>
    public static bool Applies(ListedFile file, IReadOnlyDictionary<string, ListedFile> listed, Func<string, ManifestFile?> parentEntry)
    {
        if (!PageMask.Applies(file.Path) || file.Size % BlockMap.BlockSize != 0)
        {
            return false;
        }
        var slash = file.Path.LastIndexOf('/');
        var version = file.Path.StartsWith("global/", StringComparison.Ordinal) ? "PG_VERSION" : file.Path[..(slash + 1)] + "PG_VERSION";
        return listed.TryGetValue(version, out var now) && parentEntry(version) is { } before && ReuseDecision.SameSizeAndSecond(now, before);
    }

    /// <summary>Whether block <paramref name="index"/>, read now as <paramref name="block"/>, may be kept from the
    /// parent's copy that <paramref name="parent"/> (a map with CRCs) describes without hashing it: a whole page, inside
    /// the parent's copy, whose LSN is not 0 and below <paramref name="below"/>, with the parent's all-visible flag.</summary>
    public static bool Unchanged(ReadOnlySpan<byte> block, int index, BlockMap parent, ulong below)
    {
        if (block.Length != BlockMap.BlockSize || !parent.HasCrcs || index >= parent.Count
            || BlockMap.BlockLength(parent.Length, index) != BlockMap.BlockSize
            || BinaryPrimitives.ReadUInt16LittleEndian(block[18..]) != PageSizeAndVersion)
        {
            return false;
        }
        var lsn = PageLsn(block);
        return lsn != 0 && lsn < below && ((block[10] ^ parent.Flags![index]) & BlockMap.AllVisible) == 0;
    }

    /// <summary>A page's <c>pd_lsn</c>: <c>xlogid</c> then <c>xrecoff</c>, two 32-bit halves in the host's order.</summary>
    public static ulong PageLsn(ReadOnlySpan<byte> page) =>
        ((ulong)BinaryPrimitives.ReadUInt32LittleEndian(page) << 32) | BinaryPrimitives.ReadUInt32LittleEndian(page[4..]);
}
