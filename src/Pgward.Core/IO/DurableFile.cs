using System.Text;

namespace Pgward.Core.IO;

/// <summary>
/// Replaces a file so that after a crash or a power loss it holds either the old or the new contents, never a mix or
/// nothing: a temporary file beside it, created with its final mode (a secret is never readable by others, not even for
/// a moment) and given its final owner, fsynced, renamed over the file, then the directory fsynced (a rename is durable
/// only once its directory is: without that, a power loss can bring the old file back, and a voter could forget its
/// vote and vote twice in one term). Every such write in pgward goes through here.
/// </summary>
public static class DurableFile
{
    /// <summary>0600, the default: most of what pgward writes can hold a password (a conninfo) or a token.</summary>
    public const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Writes <paramref name="contents"/> (UTF-8) to <paramref name="path"/>.</summary>
    /// <param name="mode">The file's mode from its creation on (the umask still applies).</param>
    /// <param name="ownerLike">A path (usually the data directory) whose owner the file gets when pgward runs as root;
    /// see <see cref="FileOwner.Match"/>.</param>
    public static void WriteAllText(string path, string contents, UnixFileMode mode = OwnerOnly, string? ownerLike = null) =>
        Write(path, Encoding.UTF8.GetBytes(contents), mode, ownerLike);

    /// <summary>Writes each line followed by a newline.</summary>
    public static void WriteAllLines(string path, IEnumerable<string> lines, UnixFileMode mode = OwnerOnly, string? ownerLike = null) =>
        WriteAllText(path, string.Concat(lines.Select(line => line + "\n")), mode, ownerLike);

    public static void Write(string path, ReadOnlySpan<byte> content, UnixFileMode mode = OwnerOnly, string? ownerLike = null) =>
        Write(path, content, mode, ownerLike, Libc.SyncDirectory);

    public static Task WriteAsync(string path, ReadOnlyMemory<byte> content, UnixFileMode mode, string? ownerLike, CancellationToken ct) =>
        WriteAsync(path, content, mode, ownerLike, Libc.SyncDirectory, ct);

    /// <summary>Renames <paramref name="source"/> over <paramref name="destination"/> and fsyncs the destination's directory.</summary>
    public static void Move(string source, string destination)
    {
        File.Move(source, destination, overwrite: true);
        Libc.SyncDirectory(DirectoryOf(destination));
    }

    /// <summary>Makes every file and directory written under <paramref name="path"/> durable at once (syncfs(2) of its
    /// file system); throws <see cref="IOException"/> when it fails.</summary>
    public static void SyncFileSystem(string path) => Libc.SyncFileSystem(path);

    /// <summary>Starts writing <paramref name="length"/> bytes of <paramref name="file"/> from <paramref name="offset"/> to
    /// disk without waiting (sync_file_range(2)): a file written in pieces, started as it grows, leaves less for the
    /// <see cref="SyncFileSystem"/> that makes it durable. A hint: nothing happens when the system refuses it.</summary>
    public static void StartWriteback(Microsoft.Win32.SafeHandles.SafeFileHandle file, long offset, long length) =>
        Libc.StartWriteback(file, offset, length);

    /// <summary>Waits until <paramref name="length"/> bytes of <paramref name="file"/> from <paramref name="offset"/> are on
    /// disk and drops them from the page cache, for data written once and not read again soon (a backup's stored files). A
    /// hint, as <see cref="StartWriteback"/>; the file still needs the sync that makes it durable.</summary>
    public static void DropWritten(Microsoft.Win32.SafeHandles.SafeFileHandle file, long offset, long length) =>
        Libc.DropWritten(file, offset, length);

    /// <summary>fsync(2) of a directory, which .NET has no API for; throws <see cref="IOException"/> when it fails.</summary>
    public static void SyncDirectory(string directory) => Libc.SyncDirectory(directory);

    /// <summary>As <see cref="Write(string, ReadOnlySpan{byte}, UnixFileMode, string?)"/>, with the directory fsync
    /// passed in: the seam that lets a test see that it happens, after the rename.</summary>
    internal static void Write(string path, ReadOnlySpan<byte> content, UnixFileMode mode, string? ownerLike, Action<string> syncDirectory)
    {
        var temp = TemporaryFile.Beside(path);
        try
        {
            using (var stream = Create(temp, mode, useAsync: false))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }
            Publish(temp, path, ownerLike);
        }
        catch
        {
            DeleteQuietly(temp);
            throw;
        }
        syncDirectory(DirectoryOf(path));
    }

    internal static async Task WriteAsync(string path, ReadOnlyMemory<byte> content, UnixFileMode mode, string? ownerLike,
        Action<string> syncDirectory, CancellationToken ct)
    {
        var temp = TemporaryFile.Beside(path);
        try
        {
            await using (var stream = Create(temp, mode, useAsync: true))
            {
                await stream.WriteAsync(content, ct).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }
            Publish(temp, path, ownerLike);
        }
        catch
        {
            DeleteQuietly(temp);
            throw;
        }
        syncDirectory(DirectoryOf(path));
    }

    private static FileStream Create(string temp, UnixFileMode mode, bool useAsync) => new(temp, new FileStreamOptions
    {
        Mode = FileMode.CreateNew,
        Access = FileAccess.Write,
        Share = FileShare.None,
        UnixCreateMode = mode,
        BufferSize = 1 << 16,
        Options = useAsync ? FileOptions.Asynchronous : FileOptions.None,
    });

    private static void Publish(string temp, string path, string? ownerLike)
    {
        FileOwner.Match(temp, ownerLike);
        File.Move(temp, path, overwrite: true);
    }

    private static string DirectoryOf(string path) => Path.GetDirectoryName(Path.GetFullPath(path))!;

    private static void DeleteQuietly(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The original failure is the one to report.
        }
    }
}
