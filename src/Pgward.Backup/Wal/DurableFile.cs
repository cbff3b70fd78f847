namespace Pgward.Backup.Wal;

/// <summary>
/// Writes files so that after a crash they are either complete or absent, through <see cref="Core.IO.DurableFile"/>:
/// a temporary file beside the target, fsync, rename, then fsync of the directory. Files are created 0640 in 0750
/// directories, for their owner and group only (<see cref="BackupFileModes"/>).
/// </summary>
public static class DurableFile
{
    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/> atomically and durably.</summary>
    public static async Task WriteAsync(string path, ReadOnlyMemory<byte> content, CancellationToken ct)
    {
        BackupFileModes.CreateDirectory(Path.GetDirectoryName(path)!);
        await Core.IO.DurableFile.WriteAsync(path, content, BackupFileModes.File, ownerLike: null, ct);
    }

    /// <summary>Renames durably: the directory of the target is synced after the rename.</summary>
    public static void Move(string source, string destination)
    {
        BackupFileModes.CreateDirectory(Path.GetDirectoryName(destination)!);
        Core.IO.DurableFile.Move(source, destination);
    }

    /// <summary>fsync(2) on a directory.</summary>
    public static void SyncDirectory(string directory) => Core.IO.DurableFile.SyncDirectory(directory);
}
