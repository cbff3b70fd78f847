using Pgward.Core.IO;

namespace Pgward.Backup.Catalog;

/// <summary>Replaces a file so that a crash leaves either the old or the new contents, never a mix or nothing:
/// a temporary file beside it, created with its final mode, flushed to disk, then renamed over it.</summary>
public static class AtomicFile
{
    /// <param name="mode">The file's mode, by default <see cref="BackupFileModes.File"/> (0640).</param>
    public static void WriteAllText(string path, string contents, UnixFileMode mode = BackupFileModes.File)
    {
        var temp = TemporaryFile.Beside(path);
        var options = BackupFileModes.NewFile();
        options.UnixCreateMode = mode;
        using (var stream = new FileStream(temp, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(contents);
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
    }
}
