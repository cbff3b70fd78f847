namespace Pgward.Backup.Catalog;

/// <summary>Replaces a file so that a crash leaves either the old or the new contents, never a mix or nothing
/// (<see cref="Core.IO.DurableFile"/>), created with its final mode.</summary>
public static class AtomicFile
{
    /// <param name="mode">The file's mode, by default <see cref="BackupFileModes.File"/> (0640).</param>
    public static void WriteAllText(string path, string contents, UnixFileMode mode = BackupFileModes.File) =>
        Core.IO.DurableFile.WriteAllText(path, contents, mode);
}
