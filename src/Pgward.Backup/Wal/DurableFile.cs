using System.Runtime.InteropServices;
using Pgward.Core.IO;

namespace Pgward.Backup.Wal;

/// <summary>
/// Writes files so that after a crash they are either complete or absent: a temporary file beside the target,
/// fsync, rename, then fsync of the directory (the rename itself is only durable once the directory is). Files are
/// created 0640 in 0750 directories, for their owner and group only (<see cref="BackupFileModes"/>).
/// </summary>
public static partial class DurableFile
{
    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/> atomically and durably.</summary>
    public static async Task WriteAsync(string path, ReadOnlyMemory<byte> content, CancellationToken ct)
    {
        var directory = Path.GetDirectoryName(path)!;
        BackupFileModes.CreateDirectory(directory);
        var temp = TemporaryFile.Beside(path);
        var options = BackupFileModes.NewFile(options: FileOptions.Asynchronous);
        options.BufferSize = 1 << 16;
        await using (var stream = new FileStream(temp, options))
        {
            await stream.WriteAsync(content, ct);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
        SyncDirectory(directory);
    }

    /// <summary>Renames durably: the directory of the target is synced after the rename.</summary>
    public static void Move(string source, string destination)
    {
        BackupFileModes.CreateDirectory(Path.GetDirectoryName(destination)!);
        File.Move(source, destination, overwrite: true);
        SyncDirectory(Path.GetDirectoryName(destination)!);
    }

    /// <summary>fsync(2) on a directory, which .NET has no API for; a failure to open it is ignored (not POSIX).</summary>
    public static void SyncDirectory(string directory)
    {
        var fd = Open(directory, 0 /* O_RDONLY */);
        if (fd < 0)
        {
            return;
        }
        try
        {
            if (Fsync(fd) != 0)
            {
                throw new IOException($"fsync of directory \"{directory}\" failed (errno {Marshal.GetLastPInvokeError()})");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int Open(string path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int Fsync(int fd);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);
}
