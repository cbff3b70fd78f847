using Pgward.Backup.Wal;

namespace Pgward.Backup.Catalog;

/// <summary>
/// Decides when a backup is DONE: every WAL segment from the one holding its begin LSN to the one holding its last
/// byte of WAL is archived. Backups waiting for WAL are re-checked by every catalog command and by cron.
/// </summary>
public sealed class BackupWalCompletion(BackupCatalog catalog, IWalArchive archive)
{
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
        }
        return backups;
    }
}
