namespace Pgward.Backup.Wal;

/// <summary>
/// The exit code of <c>backup wal-fetch</c> (PostgreSQL's <c>restore_command</c>), as <see cref="WalRestoreExitCodes"/>:
/// 1 ends the archive's part of recovery as the end of the WAL; 200 and 201 (above 125) stop recovery with FATAL.
/// <para>A backup server that cannot be asked (<see cref="WalFetchResult.Unavailable"/>: down, unreachable, a refused
/// token) is told apart by what is recovering. A standby (<c>standby.signal</c> in the data directory, the current
/// directory of restore_command) gets 1: it goes on streaming from its upstream and asks the archive again a few
/// seconds later, so an outage of the backup server never stops a standby (barman-wal-restore ends with 2 on a failed
/// SSH connection, also taken as "not available"). Archive recovery to a target (PITR, <c>backup recover</c>) gets 201:
/// taking an outage for the end of the WAL would end it early and open a database short of its target, quietly.</para>
/// </summary>
public static class WalFetchExitCodes
{
    public static int For(WalFetchResult result, bool standbyMode) => result switch
    {
        WalFetchResult.Restored => WalRestoreExitCodes.Restored,
        WalFetchResult.Missing => WalRestoreExitCodes.Missing,
        WalFetchResult.Damaged => WalRestoreExitCodes.Damaged,
        WalFetchResult.Unavailable => standbyMode ? WalRestoreExitCodes.Missing : WalRestoreExitCodes.Failed,
        _ => WalRestoreExitCodes.Failed,
    };
}
