using System.Globalization;
using Pgward.Core.Processes;

namespace Pgward.Testing.Chaos;

/// <summary>
/// A small filesystem of its own (tmpfs with a size limit) for a backup server's directory, so that a fault can fill
/// it up: <see cref="FillAsync"/> writes a filler file until the kernel answers ENOSPC, <see cref="Free"/> removes it.
/// Disposing removes the filler and unmounts.
/// </summary>
public sealed class ArchiveDisk : IAsyncDisposable
{
    private const string FillerName = "chaos-filler";
    private static readonly TimeSpan MountTimeout = TimeSpan.FromSeconds(30);
    private readonly long size;
    private bool mounted;

    private ArchiveDisk(string path, long size)
    {
        Path = path;
        this.size = size;
    }

    /// <summary>The mount point.</summary>
    public string Path { get; }

    public bool Full => File.Exists(Filler);

    private string Filler => System.IO.Path.Combine(Path, FillerName);

    /// <summary>Mounts a tmpfs of <paramref name="size"/> bytes on <paramref name="path"/> (created when missing),
    /// owned by root with mode 0755: the backup daemon runs as root, the restored server's restore_command as
    /// postgres only reads.</summary>
    public static async Task<ArchiveDisk> MountAsync(string path, long size, CancellationToken ct)
    {
        Directory.CreateDirectory(path);
        var disk = new ArchiveDisk(path, size);
        await RunAsync("mount", ["-t", "tmpfs", "-o", string.Create(CultureInfo.InvariantCulture, $"size={size},mode=0755"), "tmpfs", path], ct);
        disk.mounted = true;
        return disk;
    }

    /// <summary>Bytes the filesystem has left.</summary>
    public long AvailableBytes => new DriveInfo(Path).AvailableFreeSpace;

    /// <summary>Writes the filler until a write fails for want of space: 1 MiB at a time, then 4 KiB at a time for the
    /// last scraps, so that even a small WAL write gets ENOSPC. Returns the filler's size.</summary>
    public async Task<long> FillAsync(CancellationToken ct)
    {
        await using var filler = new FileStream(Filler, FileMode.Append, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
        foreach (var chunk in new[] { 1 << 20, 4096 })
        {
            var zeros = new byte[chunk];
            // Bounded by the filesystem's size: each turn takes a chunk of it or ends the loop.
            for (var written = 0L; written <= size; written += chunk)
            {
                try
                {
                    await filler.WriteAsync(zeros, ct);
                }
                catch (IOException)
                {
                    break;
                }
            }
        }
        return filler.Length;
    }

    /// <summary>Removes the filler: the space is back at once.</summary>
    public void Free() => File.Delete(Filler);

    private static async Task RunAsync(string tool, IReadOnlyList<string> args, CancellationToken ct)
    {
        var result = await new ProcessRunner().RunAsync(new ProcessRequest(tool, args) { Timeout = MountTimeout }, ct);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(result.Describe());
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!mounted)
        {
            return;
        }
        Free();
        // Lazy: a process that still has a file open there (a server being stopped) must not keep the mount alive.
        await RunAsync("umount", ["--lazy", Path], CancellationToken.None);
        mounted = false;
    }
}
