namespace Pgward.Testing.Chaos;

/// <summary>A <c>backup create</c> a fault started on the backup server, and how it ended.</summary>
/// <param name="Fault">The fault that started it, for the problem line (<c>kill-base-backup at 12.3 s</c>).</param>
/// <param name="Killed">True when the fault killed it (kill -9 with its pg_basebackup): it cannot mark itself FAILED.</param>
/// <param name="ExitCode">How the command ended; null when it was killed or did not end in time.</param>
/// <param name="BackupId">The id it printed when it started the copy; null when it ended before that.</param>
public sealed record BaseBackupAttempt(string Fault, bool Killed, int? ExitCode, string? BackupId);
