namespace Pgward.Backup.Catalog;

/// <summary>Replaces a file so that a crash leaves either the old or the new contents, never a mix or nothing
/// (<see cref="Core.IO.DurableFile"/>).</summary>
public static class AtomicFile
{
    public static void WriteAllText(string path, string contents) => Core.IO.DurableFile.WriteAllText(path, contents);
}
