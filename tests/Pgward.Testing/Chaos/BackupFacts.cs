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
    IReadOnlyDictionary<string, string> Statuses);
