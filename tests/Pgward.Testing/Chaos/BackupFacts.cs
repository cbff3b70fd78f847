namespace Pgward.Testing.Chaos;

/// <summary>What the end of a run with a backup server found, for <see cref="BackupJudge"/>.</summary>
/// <param name="Primary">The final primary's rows: what the backups must give back.</param>
/// <param name="Restored">The rows of the server recovered from the run's first backup to the end of the archive;
/// null when recovery failed.</param>
/// <param name="RecoveryProblem">Why there are no restored rows (recover failed, the server did not start or did not
/// reach the end of the archive).</param>
/// <param name="ArchiveProblem">Why <c>backup switch-wal --archive</c> failed (the archive did not catch up with the
/// primary); null when it succeeded.</param>
/// <param name="CheckPassed">Whether <c>backup check --nagios</c> exited 0.</param>
/// <param name="CheckOutput">Its line.</param>
/// <param name="FinalBackupProblem">Why the backup taken once the faults were over did not end DONE; null when it did.</param>
/// <param name="Attempts">The base backups the faults started.</param>
/// <param name="Statuses">The catalog at the end: backup id to status (<c>DONE</c>, <c>FAILED</c> ...).</param>
public sealed record BackupFacts(
    NodeRows Primary,
    NodeRows? Restored,
    string? RecoveryProblem,
    string? ArchiveProblem,
    bool CheckPassed,
    string CheckOutput,
    string? FinalBackupProblem,
    IReadOnlyList<BaseBackupAttempt> Attempts,
    IReadOnlyDictionary<string, string> Statuses)
{
    /// <summary>The rows of the server recovered from the backup taken after the faults (an incremental over the chain
    /// the faults hit, with <c>backup_method = files</c>) to the end of the archive; null when it was not recovered.</summary>
    public NodeRows? FinalRestored { get; init; }

    /// <summary>Why the backup taken after the faults, which ended DONE, could not be recovered; null when it was, or
    /// when it did not end DONE (<see cref="FinalBackupProblem"/>).</summary>
    public string? FinalRecoveryProblem { get; init; }

    /// <summary>With incremental files backups, a digest of the ballast table on the final primary (a table large enough
    /// to be stored as block patches), and on the servers recovered from the first and the final backup; null
    /// otherwise, or where that server was not recovered.</summary>
    public string? PrimaryBallast { get; init; }

    public string? RestoredBallast { get; init; }

    public string? FinalBallast { get; init; }
}
