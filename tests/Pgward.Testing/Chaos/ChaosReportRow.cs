namespace Pgward.Testing.Chaos;

/// <summary>The runs of one scenario in one replication mode, summed. Times in seconds; null when nothing was measured.</summary>
/// <param name="LostAfterCancelledSyncWait">Lost writes whose acknowledgement PostgreSQL qualified with its warning that
/// the synchronous wait was cancelled (<see cref="WriteOperation.SyncWaitCancelled"/>); not in <see cref="Lost"/>.</param>
/// <param name="LostLocalCommits">Lost writes committed with <c>synchronous_commit</c> local or off
/// (<see cref="ChaosVerdict.LostLocalCommits"/>); not in <see cref="Lost"/>.</param>
/// <param name="BackupFailures">Runs whose backups were wrong (<see cref="BackupVerdict"/>); null when no run had a backup server.</param>
public sealed record ChaosReportRow(
    string Scenario,
    string ReplicationMode,
    int Runs,
    int FailedRuns,
    int FaultsInjected,
    long AcknowledgedWrites,
    long Lost,
    long LostAfterCancelledSyncWait,
    long LostLocalCommits,
    long Duplicated,
    long TwoPrimaryIntervals,
    double? FailoverMedianSeconds,
    double? FailoverMaxSeconds,
    double? RecoveryMedianSeconds,
    double? RecoveryMaxSeconds,
    int? BackupFailures,
    IReadOnlyList<int> Seeds);
