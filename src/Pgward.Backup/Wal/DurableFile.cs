namespace Pgward.Backup.Wal;

/// <summary>
/// Writes files so that after a crash they are either complete or absent, through <see cref="Core.IO.DurableFile"/>:
/// a temporary file beside the target, fsync, rename, then fsync of the directory.
/// </summary>
public static class DurableFile
{
    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/> atomically and durably, readable by its
    /// owner only.</summary>
    public static async Task WriteAsync(string path, ReadOnlyMemory<byte> content, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await Core.IO.DurableFile.WriteAsync(path, content, Core.IO.DurableFile.OwnerOnly, ownerLike: null, ct);
    }

    /// <summary>Renames durably: the directory of the target is synced after the rename.</summary>
    public static void Move(string source, string destination)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        Core.IO.DurableFile.Move(source, destination);
    }

    /// <summary>fsync(2) on a directory.</summary>
    public static void SyncDirectory(string directory) => Core.IO.DurableFile.SyncDirectory(directory);
}
