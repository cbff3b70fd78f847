using Pgward.Cluster.Timelines;
using Pgward.Core.Postgres;

namespace Pgward.Backup.Wal;

/// <summary>
/// The archived WAL of one cluster on the backup server (<see cref="BackupLayout.WalDirectory"/>): what base
/// backups, verification, retention and recovery need of it. The receiver (<c>backup receive-wal</c>) writes it.
/// On disk: completed segments as <c>wals/&lt;first 16 hex digits&gt;/&lt;segment&gt;.zst</c> (one zstd frame of the
/// whole segment), timeline history files as <c>wals/&lt;TLI&gt;.history</c> (uncompressed).
/// </summary>
public interface IWalArchive
{
    /// <summary>Whether the completed segment (e.g. <c>000000010000000000000003</c>) or history file is archived.</summary>
    bool Contains(string walFileName);

    /// <summary>
    /// Writes the segment or history file, decompressed, to <paramref name="destinationPath"/> (temporary file, then
    /// rename). A missing file returns <see cref="WalRestoreResult.Missing"/>; a damaged one (bad frame, wrong size)
    /// <see cref="WalRestoreResult.Damaged"/> and never leaves a short file behind.
    /// </summary>
    Task<WalRestoreResult> RestoreAsync(string walFileName, string destinationPath, CancellationToken ct);

    /// <summary>The segments of <paramref name="timeline"/> from the one holding <paramref name="begin"/> to the one
    /// holding <paramref name="end"/> that are not archived (or are damaged when <paramref name="readContents"/>),
    /// in order; empty when the range is complete.</summary>
    Task<IReadOnlyList<string>> MissingSegmentsAsync(int timeline, Lsn begin, Lsn end, bool readContents, CancellationToken ct);

    /// <summary>The archived history files: for each timeline, where its parent timelines ended.</summary>
    IReadOnlyDictionary<uint, IReadOnlyList<TimelineHistoryEntry>> Histories();

    /// <summary>Deletes the archived segments (of any timeline) whose position is before
    /// <paramref name="oldestNeeded"/>'s, and their block summaries; returns how many segments were deleted. History files are kept.</summary>
    int DeleteSegmentsBefore(string oldestNeeded);

    /// <summary>Total bytes of the archived WAL on disk.</summary>
    long SizeOnDisk();
}
