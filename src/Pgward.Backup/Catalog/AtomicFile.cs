using Pgward.Core.IO;

namespace Pgward.Backup.Catalog;

/// <summary>Replaces a file so that a crash leaves either the old or the new contents, never a mix or nothing:
/// a temporary file beside it, flushed to disk, then renamed over it.</summary>
public static class AtomicFile
{
    public static void WriteAllText(string path, string contents)
    {
        var temp = TemporaryFile.Beside(path);
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(contents);
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
    }
}
