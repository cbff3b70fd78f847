using Npgsql;
using Pgward.Backup.Catalog;
using Pgward.Backup.Wal;
using Pgward.Cluster;
using Pgward.Core;
using Pgward.Core.Postgres;
using Pgward.Core.Processes;
using Pgward.Core.Reporting;

namespace Pgward.Backup.Base;

/// <summary>
/// <c>backup create</c>: runs pg_basebackup (tar, client-side lz4, manifest, no WAL) into <c>base/&lt;id&gt;/data</c>,
/// records the backup in backup.info (STARTED, then WAITING_FOR_WALS or DONE, or FAILED) and, with --wait, waits
/// for the archive to hold every WAL segment the backup needs. With <c>backup_method = files</c> or
/// <c>--incremental</c> the node's agent reads the files instead (<see cref="FilesBackupCopier"/>).
/// </summary>
public sealed class BaseBackupCreator(BackupServer server)
{
    private static readonly TimeSpan WalPollInterval = TimeSpan.FromMilliseconds(200);

    private OperationContext Ctx => server.Context;

    public async Task<(BackupInfo? Backup, Outcome Outcome)> RunAsync(BaseBackupRequest request, CancellationToken ct)
    {
        var catalog = server.Catalog;
        if (request.Name is { } name && catalog.Find(name) is { } clash)
        {
            return (null, Outcome.Fail(ExitCodes.BadConfig, $"backup {clash.Id} is already called \"{name}\"", hint: "choose another --name"));
        }
        if (request.Name is { } idLike && (BackupIds.IsId(idLike) || idLike is "latest" or "last" or "oldest" or "first"))
        {
            return (null, Outcome.Fail(ExitCodes.BadConfig, $"--name {idLike}: a name must not look like a backup id or be latest/last/oldest/first"));
        }
        var files = request.Incremental is not null || server.Settings.Method == BackupMethod.Files;
        // pg_basebackup only: the agent reads a files backup, and running `postgres --version` costs an incremental 10 ms.
        PgBinaries? binaries = null;
        if (!files)
        {
            var lookup = PgBinaries.Locate(Ctx.Options.PgBindir);
            binaries = lookup.Binaries;
            if (binaries is null)
            {
                return (null, Outcome.Fail(ExitCodes.BadConfig, lookup.Problem!));
            }
        }
        var (source, resolved) = await new BackupSourceResolver(Ctx, server.Layout).ResolveAsync(server.Settings.Conninfo, request.FromNode, ct);
        if (source is null)
        {
            return (null, resolved);
        }
        if (files && source.AgentUrl is null)
        {
            return (null, Outcome.Fail(ExitCodes.BadConfig, $"a files backup is read by the node's agent, and \"{source.Name}\" has no agent URL in the cluster metadata",
                hint: "run the agent on the node (pgward daemon run) and register it, or set backup_method = tar and take a full backup with pg_basebackup"));
        }
        // Refreshed first: a backup whose WAL has arrived since is DONE, and can be the parent.
        var parent = files && (request.Incremental ?? server.Settings.ReuseByLink)
            ? IncrementalParent.Choose(await new BackupWalCompletion(catalog, server.Archive).RefreshAsync(ct), source.SystemIdentifier)
            : null;
        if (files && parent is null && (request.Incremental ?? server.Settings.ReuseByLink))
        {
            Ctx.Reporter.Notice("no DONE files backup of this cluster to compare with: taking a full files backup");
        }

        var (runLock, lockProblem) = BackupRunLock.TryTake(server.Layout);
        if (runLock is null)
        {
            return (null, Outcome.Fail(ExitCodes.BadBaseBackup, lockProblem ?? $"another backup is running on this backup server{Running(catalog)}",
                hint: lockProblem is null ? "one backup runs at a time; wait for it to end (pgward backup list), or stop it" : null));
        }
        using var _ = runLock;
        var begin = Ctx.Time.GetUtcNow();
        BackupFileModes.CreateDirectory(server.Layout.BaseDirectory);
        var id = BackupIds.Next(begin, candidate => Directory.Exists(catalog.BackupDirectory(candidate)));
        var info = new BackupInfo
        {
            Id = id, Name = request.Name, Status = BackupStatus.Started, SystemIdentifier = source.SystemIdentifier,
            ServerVersion = source.ServerVersion, SourceNode = source.Name, SourceFiles = source.Files, BeginTime = begin, Pid = Environment.ProcessId,
            Method = files ? BackupMethod.Files : BackupMethod.Tar, Parent = parent?.Id,
        };
        catalog.Save(info);
        Ctx.Reporter.Notice($"starting {(parent is null ? "" : $"incremental (from {parent.Id}) ")}{(files ? "files " : "")}backup {id} of \"{source.Name}\"{(source.IsStandby ? " (standby)" : "")} into {catalog.BackupDirectory(id)}");

        var copied = files ? await CopyFilesAsync(source, info, parent, ct) : await CopyAsync(binaries!, source, info, ct);
        if (copied.Status == BackupStatus.Failed)
        {
            return (copied, Outcome.Fail(ExitCodes.BadBaseBackup, $"backup {id} failed: {copied.Error}",
                hint: "the backup is recorded as FAILED; remove it with: pgward backup delete " + id));
        }
        Ctx.Reporter.Notice($"backup {id} copied: begin LSN {copied.BeginLsn} ({copied.BeginWal?.Name(WalSegment.DefaultSize)}), end LSN {copied.EndLsn} ({copied.EndWal?.Name(WalSegment.DefaultSize)}), "
            + $"timeline {copied.Timeline}, {ByteSize.Format(copied.Size)} on disk ({ByteSize.Format(copied.DataSize)} of data)");

        var waitTimeout = request.WaitTimeout ?? server.Settings.WalWaitTimeout;
        var final = await SettleWalStatusAsync(copied, source, request.Wait, waitTimeout, ct);
        catalog.Save(final);
        if (final.Status == BackupStatus.Done)
        {
            Ctx.Reporter.Notice($"backup {id} is DONE");
            return (final, Outcome.Ok);
        }
        var missing = await new BackupWalCompletion(catalog, server.Archive).MissingAsync(final, ct);
        var waiting = $"backup {id} is WAITING_FOR_WALS: {missing.Count} WAL segment(s) not archived yet, first {missing.FirstOrDefault()}";
        if (!request.Wait)
        {
            Ctx.Reporter.Notice(waiting + "; it becomes DONE when they arrive (backup list, backup cron)");
            return (final, Outcome.Ok);
        }
        return (final, Outcome.Fail(ExitCodes.BadBaseBackup, $"{waiting} after waiting {waitTimeout.TotalSeconds:0} s",
            hint: "check that WAL streaming runs (pgward backup check); the backup becomes DONE by itself when the WAL arrives"));
    }

    /// <summary>": backup ID (PID n)" for the backup being copied, as its backup.info says; empty when none says so yet.</summary>
    private static string Running(BackupCatalog catalog) =>
        catalog.List().LastOrDefault(b => b.Status == BackupStatus.Started) is { } started
            ? $": backup {started.Id}{(started.Pid is { } pid ? $" (PID {pid})" : "")}"
            : "";

    private async Task<BackupInfo> CopyAsync(PgBinaries binaries, BackupSource source, BackupInfo info, CancellationToken ct)
    {
        var catalog = server.Catalog;
        var data = catalog.DataDirectory(info.Id);
        var args = PgBaseBackupArguments.For(data, source.Conninfo, info.Id);
        ProcessResult result;
        try
        {
            result = await Ctx.Processes.RunAsync(new ProcessRequest(binaries.Tool("pg_basebackup"), args)
            {
                OnOutputLine = ReportLine,
            }, ct);
        }
        catch (OperationCanceledException)
        {
            Fail(info, "interrupted");
            throw;
        }
        if (!result.Succeeded)
        {
            return Fail(info, result.Describe());
        }

        try
        {
            var manifest = BackupManifest.Parse(await File.ReadAllTextAsync(Path.Combine(data, BackupManifest.FileName), ct));
            var first = manifest.WalRanges[0];
            return info with
            {
                Status = BackupStatus.WaitingForWals,
                Pid = null,
                Timeline = first.Timeline,
                BeginLsn = first.Start,
                EndLsn = manifest.WalRanges[^1].End,
                EndTime = Ctx.Time.GetUtcNow(),
                Size = Directory.EnumerateFiles(data).Sum(f => new FileInfo(f).Length),
                DataSize = manifest.TotalSize,
            };
        }
        catch (Exception ex) when (ex is FormatException or IOException or ArgumentOutOfRangeException)
        {
            return Fail(info, $"pg_basebackup finished but its manifest cannot be read: {ex.Message}");
        }
    }

    private async Task<BackupInfo> CopyFilesAsync(BackupSource source, BackupInfo info, BackupInfo? parent, CancellationToken ct)
    {
        try
        {
            return await new FilesBackupCopier(server).CopyAsync(source, info, parent, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            Fail(info, "interrupted");
            throw;
        }
        catch (Exception ex) when (ex is Files.AgentSessionException or IOException or UnauthorizedAccessException or FormatException or InvalidDataException)
        {
            return Fail(info, ex.Message);
        }
    }

    private BackupInfo Fail(BackupInfo info, string error)
    {
        var failed = info with { Status = BackupStatus.Failed, Error = error, EndTime = Ctx.Time.GetUtcNow(), Pid = null };
        // The partial archives are useless and may be large; backup.info stays to say what happened.
        var data = server.Catalog.DataDirectory(info.Id);
        if (Directory.Exists(data))
        {
            Directory.Delete(data, recursive: true);
        }
        server.Catalog.Save(failed);
        return failed;
    }

    private async Task<BackupInfo> SettleWalStatusAsync(BackupInfo backup, BackupSource source, bool wait, TimeSpan timeout, CancellationToken ct)
    {
        var completion = new BackupWalCompletion(server.Catalog, server.Archive);
        if ((await completion.MissingAsync(backup, ct)).Count == 0)
        {
            return backup with { Status = BackupStatus.Done };
        }
        if (!wait)
        {
            return backup;
        }
        // On the primary pg_backup_stop switched to a new segment, so the last one is complete and streams out. A
        // standby cannot switch: its backup's last segment completes only when the primary moves on, so ask it to.
        if (source.PrimaryConninfo is { } primary)
        {
            await SwitchWalAsync(primary, ct);
        }
        Ctx.Reporter.Notice($"waiting up to {timeout.TotalSeconds:0} s for WAL segment {backup.EndWal?.Name(WalSegment.DefaultSize)} to be archived");
        var deadline = Ctx.Time.GetUtcNow() + timeout;
        while (Ctx.Time.GetUtcNow() < deadline)
        {
            await Task.Delay(WalPollInterval, Ctx.Time, ct);
            if ((await completion.MissingAsync(backup, ct)).Count == 0)
            {
                return backup with { Status = BackupStatus.Done };
            }
        }
        return backup;
    }

    private async Task SwitchWalAsync(string primaryConninfo, CancellationToken ct)
    {
        var attempt = await Ctx.Db.TryOpenAsync(primaryConninfo, ct);
        if (attempt.Connection is not { } connection)
        {
            Ctx.Reporter.Warning($"cannot ask the primary to switch WAL: {attempt.Error}");
            return;
        }
        await using (connection)
        {
            await using var cmd = new NpgsqlCommand("SELECT pg_switch_wal()", connection);
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }

    private void ReportLine(string line)
    {
        var text = line.Trim();
        if (text.Contains(" kB (", StringComparison.Ordinal))
        {
            Ctx.Reporter.Progress(text);
        }
        else if (text.Length > 0)
        {
            Ctx.Reporter.Info(text);
        }
    }
}
