using System.Runtime.InteropServices;

namespace Pgward.Core.IO;

/// <summary>The few libc calls .NET has no API for: fsync of a directory, syncfs, hard links, reading and setting a file's owner, and a file's device and inode.</summary>
internal static partial class Libc
{
    // O_RDONLY opens a directory on Linux; O_DIRECTORY is left out because its value differs between x86-64 and arm64.
    private const int OpenReadOnlyCloseOnExec = 0x80000;
    private const int AtCurrentDirectory = -100;
    private const uint StatxUidAndGid = 0x8 | 0x10;
    // struct statx has one layout on every architecture: stx_uid at byte 20, stx_gid at byte 24, 256 bytes in all.
    private const int StatxSize = 256;
    private const int StatxUidOffset = 20;
    private const int StatxGidOffset = 24;
    private const uint StatxInode = 0x100;
    private const int StatxInodeOffset = 32;
    private const int StatxDevMajorOffset = 136;
    private const int StatxDevMinorOffset = 140;
    private const uint SyncFileRangeWaitBefore = 1;
    private const uint SyncFileRangeWrite = 2;
    private const uint SyncFileRangeWaitAfter = 4;
    private const int FadviseDontNeed = 4;

    /// <summary>fsync(2) of a directory: makes the renames and creations inside it durable.</summary>
    public static void SyncDirectory(string directory) => CallOnOpen(directory, Fsync, "fsync");

    /// <summary>syncfs(2): writes out everything cached for the file system holding <paramref name="path"/>, files and
    /// directories alike; one call for a tree of thousands of files that would each need an fsync.</summary>
    public static void SyncFileSystem(string path) => CallOnOpen(path, SyncFs, "syncfs");

    // Opens the path read-only (a directory too), makes the call on the descriptor and closes it; IOException naming
    // the errno when the open or the call fails.
    private static void CallOnOpen(string path, Func<int, int> call, string what)
    {
        var fd = Open(path, OpenReadOnlyCloseOnExec);
        if (fd < 0)
        {
            throw new IOException($"cannot open \"{path}\" to {what} it (errno {Marshal.GetLastPInvokeError()})");
        }
        try
        {
            if (call(fd) != 0)
            {
                throw new IOException($"{what} of \"{path}\" failed (errno {Marshal.GetLastPInvokeError()})");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    /// <summary>The owner and group of <paramref name="path"/> (following symbolic links); null when it cannot be read.</summary>
    public static (uint Uid, uint Gid)? OwnerOf(string path)
    {
        var buffer = new byte[StatxSize];
        if (Statx(AtCurrentDirectory, path, 0, StatxUidAndGid, buffer) != 0)
        {
            return null;
        }
        return (BitConverter.ToUInt32(buffer, StatxUidOffset), BitConverter.ToUInt32(buffer, StatxGidOffset));
    }

    /// <summary>The device and inode of <paramref name="path"/> (following symbolic links) as systemd writes them in
    /// <c>JOURNAL_STREAM</c>: <c>st_dev:st_ino</c> in decimal; null when it cannot be read.</summary>
    public static string? DeviceAndInode(string path)
    {
        var buffer = new byte[StatxSize];
        if (Statx(AtCurrentDirectory, path, 0, StatxInode, buffer) != 0)
        {
            return null;
        }
        var inode = BitConverter.ToUInt64(buffer, StatxInodeOffset);
        ulong major = BitConverter.ToUInt32(buffer, StatxDevMajorOffset);
        ulong minor = BitConverter.ToUInt32(buffer, StatxDevMinorOffset);
        // glibc's makedev(3): how st_dev, and so JOURNAL_STREAM, encodes the pair.
        var device = ((major & 0xfffff000) << 32) | ((major & 0xfff) << 8) | ((minor & 0xffffff00) << 12) | (minor & 0xff);
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{device}:{inode}");
    }

    /// <summary>sync_file_range(2) with SYNC_FILE_RANGE_WRITE: starts writing the range's dirty pages to disk and returns
    /// without waiting, so that a later fsync or syncfs finds less to write. A hint: false when it failed, which only
    /// leaves the work to that later sync.</summary>
    public static bool StartWriteback(SafeHandle file, long offset, long length) =>
        SyncFileRange(file, offset, length, SyncFileRangeWrite) == 0;

    /// <summary>Writes the range's dirty pages to disk and waits for them (sync_file_range(2) with WAIT_BEFORE, WRITE and
    /// WAIT_AFTER: the data, not the file's metadata, which a later fsync or syncfs makes durable), then drops the range
    /// from the page cache (posix_fadvise(2), POSIX_FADV_DONTNEED). A hint: false when either call failed, which leaves the
    /// pages cached.</summary>
    public static bool DropWritten(SafeHandle file, long offset, long length) =>
        SyncFileRange(file, offset, length, SyncFileRangeWaitBefore | SyncFileRangeWrite | SyncFileRangeWaitAfter) == 0
        && Fadvise(file, offset, length, FadviseDontNeed) == 0;

    /// <summary>chown(2); throws when it fails.</summary>
    public static void ChangeOwner(string path, uint uid, uint gid)
    {
        if (Chown(path, uid, gid) != 0)
        {
            throw new IOException($"cannot give \"{path}\" to uid {uid} (errno {Marshal.GetLastPInvokeError()})");
        }
    }

    /// <summary>link(2): a second name for <paramref name="existing"/>'s inode; throws when it fails.</summary>
    public static void HardLink(string existing, string newPath)
    {
        if (Link(existing, newPath) != 0)
        {
            throw new IOException($"cannot hard-link \"{newPath}\" to \"{existing}\" (errno {Marshal.GetLastPInvokeError()})");
        }
    }

    [DllImport("libc", EntryPoint = "link", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int Link(string existing, string newPath);

    [DllImport("libc", EntryPoint = "open", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int Open(string path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int Fsync(int fd);

    [DllImport("libc", EntryPoint = "syncfs", SetLastError = true)]
    private static extern int SyncFs(int fd);

    [DllImport("libc", EntryPoint = "sync_file_range", SetLastError = true)]
    private static extern int SyncFileRange(SafeHandle fd, long offset, long length, uint flags);

    // Returns the error number itself rather than setting errno.
    [DllImport("libc", EntryPoint = "posix_fadvise")]
    private static extern int Fadvise(SafeHandle fd, long offset, long length, int advice);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);

    [DllImport("libc", EntryPoint = "statx", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int Statx(int directoryFd, string path, int flags, uint mask, [Out] byte[] buffer);

    [DllImport("libc", EntryPoint = "chown", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int Chown(string path, uint uid, uint gid);
}
