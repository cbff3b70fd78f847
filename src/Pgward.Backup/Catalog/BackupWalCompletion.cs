using Pgward.Backup.Wal;
using Pgward.Core.Postgres;

namespace Pgward.Backup.Catalog;

/// <summary>
/// Decides when a backup is DONE: every WAL segment from the one holding its begin LSN to the one holding its last
/// byte of WAL is archived. Backups waiting for WAL are re-checked by every catalog command and by cron: one whose
/// timeline ended (a failover) before its end LSN never gets that WAL, and is FAILED. So are STARTED backups, whose
/// <c>backup create</c> may have died without a word (kill -9, the host lost).
/// </summary>
/// <param name="processAlive">Whether a PID runs on this host; the real check unless a test gives another.</param>
public sealed class BackupWalCompletion(BackupCatalog catalog, IWalArchive archive, Func<int, bool>? processAlive = null)
{
    private readonly Func<int, bool> _processAlive = processAlive ?? PostmasterPid.ProcessAlive;

    /// <summary>The segments the backup still lacks, in order; empty when it can be restored.</summary>
    public Task<IReadOnlyList<string>> MissingAsync(BackupInfo backup, CancellationToken ct) =>
        archive.MissingSegmentsAsync((int)backup.Timeline, backup.BeginLsn, backup.EndLsn + -1, readContents: false, ct);

    /// <summary>Marks DONE every WAITING_FOR_WALS backup whose WAL has arrived; returns the catalog afterwards.</summary>
    public async Task<IReadOnlyList<BackupInfo>> RefreshAsync(CancellationToken ct)
    {
        var backups = catalog.List().ToList();
        for (var i = 0; i < backups.Count; i++)
        {
            if (backups[i] is { Status: BackupStatus.WaitingForWals } waiting && (await MissingAsync(waiting, ct)).Count == 0)
            {
                backups[i] = waiting with { Status = BackupStatus.Done };
                catalog.Save(backups[i]);
            }
            else if (backups[i] is { Status: BackupStatus.WaitingForWals } orphaned
                && WalContiguity.EndedBefore(orphaned.Timeline, orphaned.EndLsn, archive.Histories()) is { } switchPoint)
            {
                backups[i] = Fail(orphaned, $"its WAL after {switchPoint} is not part of the cluster's history: timeline {orphaned.Timeline} "
                    + $"ended there (a failover) before the backup did, at {orphaned.EndLsn}");
            }
            else if (backups[i] is { Status: BackupStatus.Started, Pid: { } pid } started && !_processAlive(pid))
            {
                backups[i] = Fail(started, $"interrupted: the backup create that copied it (PID {pid}) ended without finishing it");
            }
        }
        return backups;
    }

    /// <summary>FAILED, as <c>backup create</c> itself records a copy that failed: the archives removed (useless, since
    /// the backup can never be restored, and maybe large), backup.info kept to say what happened.</summary>
    private BackupInfo Fail(BackupInfo backup, string error)
    {
        var data = catalog.DataDirectory(backup.Id);
        if (Directory.Exists(data))
        {
            Directory.Delete(data, recursive: true);
        }
        var failed = backup with { Status = BackupStatus.Failed, Pid = null, Error = error };
        catalog.Save(failed);
        return failed;
    }
}
