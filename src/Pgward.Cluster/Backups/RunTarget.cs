using Microsoft.Win32.SafeHandles;

namespace Pgward.Cluster.Backups;

/// <summary>
/// A file a restore writes runs into (<see cref="BlockRunReceiver"/>): created anew when fetched whole, opened as it is
/// when only some pages come. The receiver holds a reference while the file's runs arrive, each queued write another;
/// the last to let go closes it. A whole file's runs must follow each other from 0 to its end.
/// </summary>
internal sealed class RunTarget
{
    private const UnixFileMode FileMode0600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly FileStream file;
    private int references = 1;

    private RunTarget(string path, long size, bool whole, FileStream file)
    {
        (Path, Size, Whole, this.file) = (path, size, whole, file);
    }

    public string Path { get; }

    public long Size { get; }

    public bool Whole { get; }

    /// <summary>Where a whole file's next run must begin.</summary>
    public long NextOffset { get; private set; }

    public SafeFileHandle Handle => file.SafeFileHandle;

    /// <summary>A new file (whatever was at <paramref name="location"/> is removed first), 0600, its size allocated.</summary>
    public static RunTarget Create(string path, string location, long size)
    {
        BackupPuller.DeleteEntry(location);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(location)!, BackupPuller.DirectoryMode0700);
        var file = new FileStream(location, new FileStreamOptions
        {
            Mode = FileMode.CreateNew, Access = FileAccess.Write, PreallocationSize = size, UnixCreateMode = FileMode0600, BufferSize = 0,
        });
        return new RunTarget(path, size, whole: true, file);
    }

    /// <summary>The local file as it is, for pages: it must still have the backup's size.</summary>
    public static RunTarget Open(string path, string location, long size)
    {
        var file = new FileStream(location, new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.Write, BufferSize = 0 });
        if (file.Length != size)
        {
            var length = file.Length;
            file.Dispose();
            throw new InvalidDataException($"{location} changed while it was restored: {length} bytes, the backup's copy has {size}");
        }
        return new RunTarget(path, size, whole: false, file);
    }

    /// <summary>Checks that a run of <paramref name="bytes"/> from <paramref name="offset"/> fits (after the previous
    /// one when the file is fetched whole) and takes a reference for its write.</summary>
    public void Accept(long offset, long bytes)
    {
        if (offset + bytes > Size || (Whole && offset != NextOffset))
        {
            throw new InvalidDataException($"the backup server sent {bytes} bytes of {Path} at {offset}, "
                + (Whole ? $"where {NextOffset} was expected" : $"past its {Size} bytes"));
        }
        NextOffset = offset + bytes;
        Interlocked.Increment(ref references);
    }

    /// <summary>Lets go of a reference; the last closes the file.</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref references) == 0)
        {
            file.Dispose();
        }
    }
}
