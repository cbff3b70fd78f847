using Pgward.Core.Config;
using Pgward.Core.Reporting;

namespace Pgward.Backup.Wal;

/// <summary>
/// Where <c>backup wal-fetch</c> keeps the segments it fetched ahead (<c>wal_fetch_spool_directory</c>, 0700), each
/// under its own name as the backup server sent it (one zstd frame, 0600). A spooled segment is checked on use as if it
/// had just arrived (<see cref="WalFileDecoder"/>); what replay has passed is removed (<see cref="WalPrefetch.Stale"/>).
/// </summary>
public sealed class WalSpool
{
    private readonly string directory;
    private readonly IReporter reporter;

    private WalSpool(string directory, IReporter reporter)
    {
        this.directory = directory;
        this.reporter = reporter;
    }

    /// <summary>The node's spool, created when missing; null when prefetch is off or the spool cannot be used (then
    /// every call fetches what it is asked for, which is slower but correct).</summary>
    public static WalSpool? Open(NodeOptions options, IReporter reporter)
    {
        if (options.WalFetchParallel <= 1)
        {
            return null;
        }
        var directory = options.WalFetchSpoolDirectory is { Length: > 0 } configured
            ? configured
            : WalPrefetch.DefaultSpoolDirectory(options.NodeName, options.DataDirectory);
        try
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            return new WalSpool(directory, reporter);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            reporter.Warning($"WAL spool \"{directory}\" cannot be used ({e.Message}): fetching without prefetch");
            return null;
        }
    }

    public bool Contains(string walFileName) => File.Exists(Path.Combine(directory, walFileName));

    /// <summary>Gives recovery a spooled segment (written atomically to <paramref name="destinationPath"/>); false when
    /// there is none, or the spooled copy is damaged, which is then dropped for the caller to fetch it anew.</summary>
    public async Task<bool> GiveAsync(string walFileName, string destinationPath, CancellationToken ct)
    {
        var path = Path.Combine(directory, walFileName);
        if (!File.Exists(path))
        {
            return false;
        }
        var body = await File.ReadAllBytesAsync(path, ct);
        var size = SegmentCodec.DeclaredSize(body) ?? -1;
        var (content, damage) = WalFileDecoder.Decode(walFileName, body, Cluster.Backups.WalFileHeaders.Zstd, size);
        File.Delete(path);
        if (content is null)
        {
            reporter.Warning($"dropped the spooled copy of {walFileName}: {damage}; fetching it again");
            return false;
        }
        await Core.IO.DurableFile.WriteAsync(destinationPath, content, Core.IO.DurableFile.OwnerOnly, ownerLike: null, ct);
        RemoveStale(walFileName, size);
        reporter.Info($"restored {walFileName} from the spool to \"{destinationPath}\"");
        return true;
    }

    /// <summary>
    /// Keeps a segment fetched ahead: written whole under a temporary name and renamed, 0600, but not fsynced. After a
    /// crash a spooled file is at worst damaged or missing, which the check on use tells, and it is fetched again; an
    /// fsync would cost every call. A segment that cannot be spooled is simply fetched when asked for.
    /// </summary>
    public async Task StoreAsync(string walFileName, byte[] body, CancellationToken ct)
    {
        var path = Path.Combine(directory, walFileName);
        var temp = Core.IO.TemporaryFile.Beside(path);
        try
        {
            await using (var file = new FileStream(temp, new FileStreamOptions
            {
                Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = Core.IO.DurableFile.OwnerOnly, Options = FileOptions.Asynchronous,
            }))
            {
                await file.WriteAsync(body, ct);
            }
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            reporter.Debug($"cannot spool {walFileName}: {e.Message}");
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>Removes what replay no longer needs once <paramref name="served"/> was given to it.</summary>
    public void RemoveStale(string served, long segmentSize)
    {
        foreach (var name in WalPrefetch.Stale(served, Directory.EnumerateFiles(directory).Select(Path.GetFileName).OfType<string>().ToList(), segmentSize))
        {
            try
            {
                File.Delete(Path.Combine(directory, name));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                reporter.Debug($"cannot remove {name} from the spool: {e.Message}");
            }
        }
    }
}
