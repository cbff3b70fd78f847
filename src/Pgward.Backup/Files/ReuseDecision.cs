using Pgward.Backup.Base;

namespace Pgward.Backup.Files;

/// <summary>
/// Decides, file by file, whether an incremental backup may reuse its parent's copy. Pure.
/// <para>Sound rule for <see cref="ReuseAction.Link"/> (no read at all): the parent holds the path with the same size
/// and the same <c>Last-Modified</c>, and the file's modification time now is older than when the parent began listing
/// its files minus <see cref="Margin"/>. Any write after that listing would have set the mtime to a time at or after
/// it, so the file has not been written since before the parent read it, and the parent's copy is its content. Both
/// times are the node's clock (the agent reports when it listed), so clock skew between hosts plays no part.</para>
/// <para><see cref="ReuseAction.Compare"/> (the agent answers "unchanged" when its checksum equals the parent's) only
/// over a SHA-256: a 32-bit CRC-32C, what files backups record since December 2026, is a check against damage, not
/// proof that two different contents are the same. Such a file is sent instead, over the parent's block map when it has
/// one, so that an unchanged large file still comes as no blocks and is linked (<see cref="Base.StoredFileReceiver"/>).
/// A file too small for a block map, over a parent taken on another node, is compared by a SHA-256 the backup server
/// computes from the parent's copy (<see cref="ReuseAction.CompareByContent"/>).</para>
/// </summary>
public static class ReuseDecision
{
    /// <summary>Why 2 s: Linux stamps mtime from a coarse clock that lags the real time by up to a timer tick (a few
    /// ms), some file systems keep whole seconds only (ext3, and the manifest's <c>Last-Modified</c> itself has
    /// one-second resolution), and a write that began before the listing may set its mtime a moment before it. A file
    /// within the margin is merely compared by checksum, which is always safe.</summary>
    public static readonly TimeSpan Margin = TimeSpan.FromSeconds(2);

    /// <summary>Whether <paramref name="file"/> has the size and the modification second <paramref name="parent"/>
    /// recorded (the manifest's <c>Last-Modified</c> keeps whole seconds).</summary>
    public static bool SameSizeAndSecond(ListedFile file, ManifestFile parent) =>
        parent.Size == file.Size && parent.LastModified is { } recorded
        && recorded.ToUnixTimeSeconds() == DateTimeOffset.FromUnixTimeMilliseconds(file.MtimeMs).ToUnixTimeSeconds();

    /// <param name="file">The file as the agent listed it now.</param>
    /// <param name="parent">The parent manifest's entry for the same path, null when it has none (or its stored copy is gone).</param>
    /// <param name="parentListTime">When the parent's listing began, on the node's clock; null when modification times
    /// cannot be compared (the parent was taken from another node): then only checksums decide.</param>
    public static ReuseAction Decide(ListedFile file, ManifestFile? parent, DateTimeOffset? parentListTime)
    {
        if (parent is null || parent.Size != file.Size || parent.Algorithm is not (FrameChecksums.Sha256 or FrameChecksums.Crc32C))
        {
            return ReuseAction.Send;
        }
        if (parentListTime is null && parent.Algorithm == FrameChecksums.Crc32C && file.Size < BlockMap.Threshold)
        {
            // Another node's parent, and no block map to compare by: by a SHA-256 of the parent's copy.
            return ReuseAction.CompareByContent;
        }
        var modified = DateTimeOffset.FromUnixTimeMilliseconds(file.MtimeMs);
        if (!SameSizeAndSecond(file, parent))
        {
            // Written since: almost surely changed, so read once, sending while checksumming; the copy is still linked
            // to the parent's when its checksum turns out equal (FilesBackupCopier), without a second read.
            return ReuseAction.Send;
        }
        if (parentListTime is { } listed && modified < listed - Margin)
        {
            return ReuseAction.Link;
        }
        return parent.Algorithm == FrameChecksums.Sha256 ? ReuseAction.Compare : ReuseAction.Send;
    }
}
