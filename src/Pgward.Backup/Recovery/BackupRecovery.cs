using Pgward.Backup.Catalog;
using Pgward.Cluster;
using Pgward.Core;
using Pgward.Core.Postgres;
using Pgward.Core.Reporting;

namespace Pgward.Backup.Recovery;

/// <summary>
/// <c>backup recover</c>: restores a base backup into an empty directory and configures it to replay archived WAL
/// (through <c>pgward backup wal-restore</c>) up to the target: <c>recovery.signal</c>, the recovery settings in
/// postgresql.auto.conf, no standby.signal, owned by the server account with mode 0700. It does not start the server.
/// </summary>
public sealed class BackupRecovery(BackupServer server)
{
    private OperationContext Ctx => server.Context;

    public async Task<(BackupInfo? Backup, Outcome Outcome)> RunAsync(RecoveryRequest request, CancellationToken ct)
    {
        if (request.TargetAction is not null && request.Target.Kind == RecoveryTargetKind.EndOfWal)
        {
            return (null, Outcome.Fail(ExitCodes.BadConfig, "--target-action needs a recovery target",
                hint: "give one of --target-time, --target-xid, --target-name, --target-lsn or --target-immediate"));
        }
        if (request.Exclusive && request.Target.Kind is RecoveryTargetKind.EndOfWal or RecoveryTargetKind.Immediate)
        {
            return (null, Outcome.Fail(ExitCodes.BadConfig, "--exclusive needs a time, xid, name or LSN target"));
        }
        var destination = Path.GetFullPath(request.Destination);
        if (Directory.Exists(destination) && Directory.EnumerateFileSystemEntries(destination).Any())
        {
            return (null, Outcome.Fail(ExitCodes.BadConfig, $"the destination directory {destination} is not empty",
                hint: "recover into a new or empty directory; pgward never overwrites files there"));
        }
        if (File.Exists(destination))
        {
            return (null, Outcome.Fail(ExitCodes.BadConfig, $"the destination {destination} is a file, not a directory"));
        }
        var account = ServerAccount.Detect(Ctx.Processes);
        if (account.Account is not { } owner)
        {
            return (null, Outcome.Fail(ExitCodes.BadConfig, account.Problem!));
        }

        // The server runs as its account, pgward usually as root: refuse at once a place it could not even enter.
        var (existingAncestor, createdRoot) = Ancestors(destination);
        if (await owner.CheckTraversableAsync(existingAncestor, ct) is { } unreachable)
        {
            return (null, Outcome.Fail(ExitCodes.BadConfig, $"cannot recover into {destination}: {unreachable}",
                hint: "choose a destination the server's OS user can reach, e.g. under /var/lib/postgresql or /tmp"));
        }

        var backups = await new BackupWalCompletion(server.Catalog, server.Archive).RefreshAsync(ct);
        var (backup, refused) = RecoveryPlan.Choose(backups, request.Backup, request.Target);
        if (backup is null)
        {
            return (null, Outcome.Fail(ExitCodes.BadConfig, $"cannot recover: {refused}", hint: "see the backups with: pgward backup list"));
        }

        Ctx.Reporter.Notice($"restoring backup {backup.Id} (ended {backup.EndTime:yyyy-MM-dd HH:mm:ss}+00, LSN {backup.EndLsn}) into {destination}");
        var createdDestination = !Directory.Exists(destination);
        long bytes;
        var restorer = new BackupRestorer(Ctx.Reporter.Progress);
        try
        {
            bytes = restorer.Restore(server.Catalog.DataDirectory(backup.Id), destination, request.TablespaceLocations, ct);
            await ConfigureAsync(destination, backup, request, ct);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or EndOfStreamException or FormatException
            or InvalidOperationException or ArgumentException or UnauthorizedAccessException or OperationCanceledException)
        {
            Empty(createdDestination ? createdRoot : destination, createdDestination);
            foreach (var location in restorer.TablespaceLocations)
            {
                // Each was empty (or missing) before: only what the restore wrote goes.
                Empty(location, created: false);
            }
            if (ex is OperationCanceledException)
            {
                throw;
            }
            return (backup, Outcome.Fail(ExitCodes.LocalCommand, $"restoring backup {backup.Id} failed: {ex.Message}",
                hint: $"check the backup with: pgward backup verify {backup.Id}; the destination was emptied again"));
        }

        // The parents pgward created for the destination go to the account too: the server's log and socket usually go
        // beside its data directory.
        if (createdRoot != destination && await owner.ChownAsync(createdRoot, ct) is { Succeeded: false } parents)
        {
            return (backup, Outcome.Fail(ExitCodes.LocalCommand, $"cannot give {createdRoot} to the server account: {parents.Describe()}"));
        }
        foreach (var directory in restorer.TablespaceLocations.Prepend(destination))
        {
            if (await owner.ChownAsync(directory, ct) is { Succeeded: false } chown)
            {
                return (backup, Outcome.Fail(ExitCodes.LocalCommand, $"cannot give {directory} to the server account: {chown.Describe()}"));
            }
            // PostgreSQL refuses a data directory (and warns of a tablespace) that others can read.
            File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        Ctx.Reporter.Notice($"restored {ByteSize.Format(bytes)}; recovery will replay WAL to {request.Target}");
        if (backup.SourceFiles.NotRestored(backup.SourceNode) is { } notRestored)
        {
            Ctx.Reporter.Warning(notRestored);
        }
        Ctx.Reporter.Hint(backup.SourceFiles.ConfigFileOutside
            ? $"put a postgresql.conf in place first: in {destination}, or in a directory of its own with data_directory = '{destination}' "
              + $"(then give pg_ctl -D that directory); start the server as {owner.UserName ?? Environment.UserName}"
            : $"start the server: pg_ctl -D {destination} start (as {owner.UserName ?? Environment.UserName})");
        return (backup, Outcome.Ok);
    }

    private async Task ConfigureAsync(string destination, BackupInfo backup, RecoveryRequest request, CancellationToken ct)
    {
        var reset = await RecoveryFiles.WriteAsync(destination, backup.Id, request, Ctx.Time.GetUtcNow(), ct);
        Ctx.Reporter.Notice("the restored server is no member of the cluster: "
            + (reset.Count > 0 ? $"reset {string.Join(", ", reset)} (what pgward manages on a member); " : "")
            + "synchronous_standby_names = '' so that commits wait for no standby (set it again once the server has standbys)");
    }

    /// <summary>The nearest existing directory at or above <paramref name="destination"/>, and the topmost directory
    /// the restore will create (the destination itself when only it is missing, or when it exists).</summary>
    private static (string Existing, string CreatedRoot) Ancestors(string destination)
    {
        var createdRoot = destination;
        var existing = destination;
        while (!Directory.Exists(existing) && Path.GetDirectoryName(existing) is { } parent)
        {
            createdRoot = existing;
            existing = parent;
        }
        return (existing, createdRoot);
    }

    private static void Empty(string destination, bool created)
    {
        if (!Directory.Exists(destination))
        {
            return;
        }
        if (created)
        {
            Directory.Delete(destination, recursive: true);
            return;
        }
        foreach (var entry in new DirectoryInfo(destination).EnumerateFileSystemInfos())
        {
            if (entry is DirectoryInfo directory)
            {
                directory.Delete(recursive: true);
            }
            else
            {
                entry.Delete();
            }
        }
    }
}
